"""c1m-lab report generator: turns reports/<run-id>/ into summary.json, report.html and report.md."""

SUMMARY_SCHEMA = "c1m-report/2"  # 2: `checks` went (the doctor is the one judge)
