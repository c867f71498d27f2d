"""Shared bits for the report tests: fixture paths and building a fixture in a scratch copy."""

import json
import os
import shutil
import sys
import tempfile

TESTS = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.dirname(TESTS)
FIXTURES = os.path.join(TESTS, "fixtures")
CLI = os.path.join(REPORT, "c1m_report.py")
RUNS = ["reached-3x5000", "stalled-eaddrnotavail", "lost-connections", "loopback-2x3000", "loopback-2x1000-heartbeats"]

if REPORT not in sys.path:
    sys.path.insert(0, REPORT)


def fixture(name):
    return os.path.join(FIXTURES, name)


def histograms():
    with open(os.path.join(FIXTURES, "histograms", "histograms.json")) as handle:
        return json.load(handle)


def read_json(path):
    with open(path) as handle:
        return json.load(handle)


class ScratchRun:
    """A copy of a fixture run in a temporary folder, so a test may break it or build into it."""

    def __init__(self, name):
        self.root = tempfile.mkdtemp(prefix="c1m-report-test-")
        self.path = os.path.join(self.root, name)
        shutil.copytree(fixture(name), self.path)

    def host(self, host, *parts):
        return os.path.join(self.path, "hosts", host, *parts)

    def edit_json(self, relative, change):
        path = os.path.join(self.path, relative)
        data = read_json(path)
        change(data)
        with open(path, "w") as handle:
            json.dump(data, handle)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def build_into_temp(name, test_case):
    """Build a fixture run into a scratch copy; returns (summary dict, folder). Cleans up after the test."""
    from c1mreport.build import build
    scratch = ScratchRun(name)
    test_case.addCleanup(scratch.cleanup)
    summary, _ = build(scratch.path)
    return summary, scratch.path
