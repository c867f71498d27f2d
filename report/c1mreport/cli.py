"""Command line: `build RUN_DIR`, `compare RUN_DIR RUN_DIR [...]` and `finish RUN_DIR` (the playbook's end of a
run). Bad input: one message, exit 2."""

import argparse
import json
import os
import sys
import traceback

from .errors import ReportInputError

USAGE_EXAMPLES = """examples:
  python3 report/c1m_report.py build reports/20261121-101500-reached
  python3 report/c1m_report.py compare reports/RUN_A reports/RUN_B --html /tmp/compare.html
"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="c1m_report.py", description="Turn c1m-lab run folders into reports, or compare runs.",
        epilog=USAGE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser("build", help="write summary.json, report.html and report.md into a run folder")
    build.add_argument("run_dir", metavar="RUN_DIR", help="reports/<run-id> as made by ansible/run-test.yml")
    build.add_argument("--out", metavar="DIR", help="write the three files here instead of into RUN_DIR")
    build.add_argument("--quiet", action="store_true", help="print nothing on success")
    compare = commands.add_parser("compare", help="show two or more runs side by side")
    compare.add_argument("run_dirs", metavar="RUN_DIR", nargs="+", help="run folders; the first is the baseline")
    compare.add_argument("--html", metavar="FILE", help="also write the comparison as an HTML page")
    compare.add_argument("--md", metavar="FILE", help="also write the comparison as Markdown")
    finish = commands.add_parser(
        "finish", help="end a run: run.json, the verdict, the report and the summary's lines; reads the playbook's "
        "JSON on stdin (ansible/tasks/report.yml calls it); exit 0 passed, 1 not passed")
    finish.add_argument("run_dir", metavar="RUN_DIR", help="reports/<run-id>, its hosts/ folder fetched")
    return parser


class _UsageError(ReportInputError):
    pass


def _write(path, text):
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise ReportInputError("cannot write %s: %s" % (path, error.strerror), "pick a writable path") from None


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            from .build import build
            summary, paths = build(args.run_dir, args.out)
            if not args.quiet:
                from .headline import verdict
                word, sentence = verdict(summary)
                print("%s: %s. %s" % (summary["run"]["run_id"], word, sentence))
                for name in ("report.html", "report.md", "summary.json"):
                    print("  wrote %s" % paths[name])
                for problem in summary["problems"]:
                    print("  note: %s" % problem)
            return 0
        if args.command == "finish":
            return _finish(args.run_dir)
        if args.command == "compare":
            if len(args.run_dirs) < 2:
                raise ReportInputError("compare needs at least two run folders (got %d)" % len(args.run_dirs),
                                       "python3 report/c1m_report.py compare reports/RUN_A reports/RUN_B")
            from . import compare
            comparison = compare.compare_runs(args.run_dirs)
            sys.stdout.write(compare.render_text(comparison))
            if args.html:
                _write(args.html, compare.render_html(comparison))
                print("wrote %s" % args.html)
            if args.md:
                _write(args.md, compare.render_markdown(comparison))
                print("wrote %s" % args.md)
            return 0
        parser.print_help(sys.stderr)
        return 2
    except ReportInputError as error:
        print("c1m_report: %s" % error, file=sys.stderr)
        return 2


def _finish(run_dir):
    """c1mlab.finish with its input checked, run.json written, then the report built: a report that cannot be
    built is said in the summary's lines and never hides the run's verdict (the exit code)."""
    from c1mlab import finish
    try:
        given = json.load(sys.stdin)
    except ValueError as error:
        raise ReportInputError("finish reads the playbook's JSON on stdin, which is not JSON: %s" % error,
                               "run it as ansible/tasks/report.yml does") from None
    if not isinstance(given, dict):
        raise ReportInputError("finish reads a JSON object on stdin (got a JSON %s)" % type(given).__name__,
                               "run it as ansible/tasks/report.yml does")
    if not os.path.isdir(run_dir):
        raise ReportInputError("%s is not a folder" % run_dir, "the run folder ansible/run-test.yml made")
    try:
        done = finish.finish(run_dir, given)
    except (KeyError, TypeError, ValueError) as error:
        raise ReportInputError("the playbook's input cannot be read: %s: %s" % (type(error).__name__, error),
                               "run it as ansible/tasks/report.yml does") from None
    try:
        finish.write_run_json(run_dir, done["run"])
    except OSError as error:
        raise ReportInputError("cannot write %s/run.json: %s" % (run_dir, error.strerror), "a writable run folder") from None
    try:
        from .build import build
        build(run_dir)
        report = os.path.join(run_dir, "report.html")
    except ReportInputError as error:
        report = "not built: %s" % str(error).replace("\n", " ")
    except Exception as error:  # noqa: BLE001 - a report that fails must not hide the run's verdict
        traceback.print_exc()
        report = "not built: %s: %s" % (type(error).__name__, error)
    print("\n".join(finish.summary_lines(done, report)))
    return 0 if done["passed"] else 1
