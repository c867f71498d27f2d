"""Errors the CLI turns into one clear message and exit code 2, never a traceback."""


class ReportInputError(Exception):
    """Bad input: says what is wrong and how to fix it."""

    def __init__(self, problem, fix=None):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self):
        return self.problem + ("\n  fix: " + self.fix if self.fix else "")
