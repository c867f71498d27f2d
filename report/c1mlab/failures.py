"""What each connect failure kind means and how to fix it, for the reports and the playbooks.

The words live in one table that the jars read too: java/common/src/main/resources/lab/c1m/common/
failure-kinds.properties. This module reads it for the HTML and Markdown reports, the comparison and
the playbook's filters (ansible/filter_plugins/c1m.py). The kinds the client counts, and their order
everywhere, are the table's upper-case kinds in the order the table lists them (the Java enum
FailureKind lists the same; report/tests/test_failures.py holds them equal).
"""

import os
import re
from collections import namedtuple

# The table the jars, the playbooks and this report share (Java properties, UTF-8).
TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "java", "common", "src", "main",
                     "resources", "lab", "c1m", "common", "failure-kinds.properties")
FIELDS = ("title", "meaning", "fix", "fix.lab", "doctor")

FailureKind = namedtuple("FailureKind", "kind errno_name meaning fix")


def read_table(path=TABLE):
    """{kind: {field: text}} from the properties file, in the subset of the format it uses: `kind.field =
    text` lines, `#` comments, a trailing backslash continuing a line."""
    table, pending = {}, ""  # dicts keep the table's order: the kinds' order
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            if not pending and (not line or line.startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1].rstrip() + " "
                continue
            line, pending = pending + line, ""
            key, sep, value = line.partition("=")
            match = re.match(r"^([A-Za-z_-]+)\.(.+)$", key.strip())
            if not sep or not match:
                raise ValueError("%s: cannot read the line %r" % (path, line))
            table.setdefault(match.group(1), {})[match.group(2)] = value.strip()
    for kind, fields in table.items():
        missing = [field for field in FIELDS if not fields.get(field)]
        if missing:
            raise ValueError("%s: %s lacks %s" % (path, kind, ", ".join(missing)))
    return table


TEXTS = read_table()


def _entry(kind):
    texts = TEXTS[kind]
    return FailureKind(kind, texts["title"], _sentence(texts["meaning"]), _sentence(texts["fix"]))


def _sentence(text):
    # Not capitalised: many start with a command or a name (sysctl, epoll_ctl).
    return text if text.endswith(".") else text + "."


# Kinds are the ones the client jar counts (docs/interfaces.md), in the table's order.
KIND_ORDER = [kind for kind in TEXTS if kind.isupper()]
FAILURE_KINDS = [_entry(kind) for kind in KIND_ORDER]
BY_KIND = {entry.kind: entry for entry in FAILURE_KINDS}

# The doctor's checks (docs/doctor.md) that look at the limit behind each kind: their findings before
# the run are the evidence the report puts beside a failure.
DOCTOR_CHECKS = {kind: tuple(name.strip() for name in TEXTS[kind]["doctor"].split(","))
                 for kind in KIND_ORDER + ["lost", "dead", "reaped"]}

# Explanations for the other ways a run loses connections (not connect failures): the clients' lost and
# dead, the server's reaped (its keepalive closed them).
LOST = _entry("lost")
DEAD = _entry("dead")
REAPED = _entry("reaped")

# What an OTHER failure whose message says ENOSPC is: epoll registrations ran out (docs/doctor.md).
EPOLL_ENOSPC = "%s Fix: %s" % (_sentence(TEXTS["epoll-enospc"]["meaning"]), _sentence(TEXTS["epoll-enospc"]["fix"]))


def describe(kind):
    """The table entry for a kind; unknown kinds read as OTHER rather than failing the report."""
    return BY_KIND.get(kind, BY_KIND["OTHER"])


def sort_kinds(kinds):
    """Known kinds in table order, then any unknown ones alphabetically."""
    known = [k for k in KIND_ORDER if k in kinds]
    return known + sorted(k for k in kinds if k not in BY_KIND)
