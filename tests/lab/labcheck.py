"""What the lab's run-folder assertions share (check-run.py, check-scenario.py): ok/FAIL lines, the
counts e2e.sh adds up, and tolerant readers (a missing file is a failed check, not a traceback)."""
import json


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok    " + name)
        else:
            self.failed += 1
            print("FAIL  " + name + (": " + str(detail)[:1500] if detail != "" else ""))

    def finish(self, label, counts_file):
        """Prints 'LABEL: N passed, N failed', writes 'passed failed' for e2e.sh; the exit status."""
        print("%s: %d passed, %d failed" % (label, self.passed, self.failed))
        with open(counts_file, "w") as out:
            out.write("%d %d\n" % (self.passed, self.failed))
        return 1 if self.failed else 0


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def load(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        return {"_error": str(error)}
