"""`build`: one run folder in, summary.json + report.html + report.md out."""

from .charts import build_charts
from .render import write_outputs
from .rundir import load_run
from .summarize import build_summary


def build(folder, out_folder=None):
    run = load_run(folder)
    summary, curves = build_summary(run)
    charts = build_charts(run, summary, curves)
    paths = write_outputs(out_folder or folder, run, summary, charts)
    return summary, paths
