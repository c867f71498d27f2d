#!/usr/bin/env python3
"""c1m-lab report generator.

  python3 report/c1m_report.py build reports/<run-id>
  python3 report/c1m_report.py compare reports/<run-a> reports/<run-b> [...] [--html FILE] [--md FILE]

Needs only Python 3.9+ and Jinja2 (python3-jinja2, which Ansible already depends on). See docs/report.md.
"""

import os
import sys

if sys.version_info < (3, 9):
    sys.exit("c1m_report: needs Python 3.9 or newer (this is %d.%d)" % sys.version_info[:2])

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from c1mreport.cli import main  # noqa: E402

if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into `head`: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
