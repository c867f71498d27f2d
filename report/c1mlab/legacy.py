"""The one reader of runs recorded before the jars said their facts as data.

Summary schema 1 kept a client's first failure of each kind and its first lag only in the client's log, as
sentences; schema 2 put the lag in the summary, still as the client's sentence; schema 3 says both as data
(`first_failures`, `behind`). Every sentence the jars once wrote is read here and nowhere else, and shown as
written without its fix (the failure table's fix is shown beside it). Drop this module with schema 2.
"""

import re

# The client's log lines of schema 1: "First ETIMEDOUT connecting to 10.0.0.1:9000: ... Fix: ...", and its one
# line saying it fell behind its own heartbeat schedule.
FIRST_FAILURE = re.compile(r"First ([A-Z]+) connecting to .*")
BEHIND = re.compile(r"First heartbeat .* behind its own schedule.*")
# The jars wrote their fix after this; the report takes fixes from failure-kinds.properties instead.
FIX_MARK = " Fix: "
KEPT_CHARS = 500


def without_fix(sentence):
    """A sentence a jar wrote, up to its fix: shown as written."""
    return str(sentence).split(FIX_MARK, 1)[0].strip()[:KEPT_CHARS] if sentence else ""


def behind(text):
    """A schema-2 summary's `behind` (the client's own sentence), as written."""
    return without_fix(text)


def once_facts_from_log(lines):
    """A schema-1 client log's first failure of each kind (kind -> its line) and first lag line (or None)."""
    first_failures, behind_line = {}, None
    for line in lines:
        if behind_line is None:
            found = BEHIND.search(line)
            if found:
                behind_line = without_fix(found.group(0))
        match = FIRST_FAILURE.search(line)
        if match and match.group(1) not in first_failures:
            first_failures[match.group(1)] = without_fix(match.group(0))
    return first_failures, behind_line
