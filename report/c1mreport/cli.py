"""Command line: `build RUN_DIR` and `compare RUN_DIR RUN_DIR [...]`. Bad input: one message, exit 2."""

import argparse
import sys

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
