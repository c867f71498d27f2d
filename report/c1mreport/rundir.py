"""Loading a run folder (reports/<run-id>/, docs/interfaces.md) into plain Python data.

Only a missing or unreadable run.json is fatal (it is what makes a folder a run). Anything else a
host lacks is recorded in `problems` and the report says so: a failed run's report matters most.
"""

import os
import re

from c1mlab import legacy, lines as lab_lines, summaries

from . import parsers
from .errors import ReportInputError

RAW_FILES = {
    "sysctl": ("sysctl.txt", parsers.parse_sysctl),
    "limits": ("limits.txt", parsers.parse_limits),
    "process": ("process.txt", parsers.parse_process_status),
    "sockstat": ("sockstat.txt", parsers.parse_sockstat),
    "meminfo": ("meminfo.txt", parsers.parse_meminfo),
    "slab": ("slabinfo.txt", parsers.parse_slabinfo),
    "conntrack": ("conntrack.txt", parsers.parse_conntrack),
    # TCP's counters at the end, and before a restart (the restart scenario): kept as text, read by c1mlab.faults.
    "netstat_text": ("netstat.txt", str),
    "netstat_before_restart_text": ("netstat-before-restart.txt", str),
}
LOG_TAIL_LINES = 20
# Log lines that name a limit (the server's accept() hitting its open-files limit, say): the first few
# of the whole log are kept as evidence, beside the tail.
LIMIT_LINE = re.compile(r"Too many open files|Cannot assign requested address|No space left on device|"
                        r"Cannot allocate memory|No buffer space|table full", re.IGNORECASE)
LIMIT_LINES_KEPT = 3


class Host:
    """Everything one host left in hosts/<name>/."""

    def __init__(self, name, folder):
        self.name = name
        self.folder = folder
        self.role = None
        self.summary = None
        self.timeline = []
        self.facts = {}
        self.sysctl = {}
        self.limits = {}
        self.process = {}  # process.txt: the service's RSS and threads at the snapshot, seen from outside
        self.sockstat = {}
        self.meminfo = {}
        self.slab = {}
        self.conntrack = None
        self.netstat_text = None
        self.netstat_before_restart_text = None
        self.has = set()  # which raw files were present and readable
        self.log_file = None
        self.log_tail = []
        self.log_limit_lines = []  # the first lines of the log that name a limit
        self.log_limit_count = 0
        self.first_failures = {}  # kind -> the client log's "First <KIND> connecting to ..." line
        self.behind = None  # the client's first lag behind its heartbeat schedule (summary schema 3: data)
        self.behind_line = None  # ... in words (c1mlab.lines.behind_words), or an older jar's own line
        self.doctor = None  # doctor.json: what the jar's doctor found on this host before the run
        self.doctor_after = None  # doctor-after.json: the doctor run again once the run's services stopped

    def __repr__(self):
        return "Host(%r, %r)" % (self.name, self.role)


class Run:
    def __init__(self, folder, settings, hosts, problems):
        self.folder = folder
        self.settings = settings
        self.hosts = hosts
        self.problems = problems

    @property
    def run_id(self):
        return self.settings.get("run_id") or os.path.basename(os.path.normpath(self.folder))

    @property
    def server(self):
        servers = [h for h in self.hosts if h.role == "server"]
        return servers[0] if servers else None

    @property
    def clients(self):
        return [h for h in self.hosts if h.role == "client"]


def _read_text(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _read_json(path, problems, what):
    try:
        return summaries.load_json(path, what)
    except (summaries.Unreadable, OSError) as error:
        problems.append("%s: its figures are left out" % (error if isinstance(error, summaries.Unreadable) else
                                                          "%s could not be read: %s" % (what, error.strerror)))
    return None


def _normalize_clients(raw, problems):
    """run.json `clients` -> [{"host", "share"}]; accepts dicts, "host:share" strings or pairs. Not a list, a
    client without a host or a share that is not a count: named in problems (never read as letters or 0)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append("run.json: clients is %s, not a list of clients: the clients are the client folders under "
                        "hosts/" % summaries.shown(raw))
        return []
    clients = []
    for i, item in enumerate(raw):
        if isinstance(item, dict):
            host = item.get("host") or item.get("hostname") or item.get("name")
            share = next((item[k] for k in ("share", "connections", "target") if k in item), None)
        elif isinstance(item, (list, tuple)) and item:
            host, share = item[0], item[1] if len(item) > 1 else None
        elif isinstance(item, str):
            host, _, share = item.partition(":")
        else:
            host, share = None, None
        if not isinstance(host, str) or not host.strip():
            problems.append("run.json: clients[%d] is %s, which names no host: left out" % (i, summaries.shown(item)))
            continue
        parsed = parsers.parse_count(share)
        if share not in (None, "") and parsed is None:
            problems.append("run.json: clients[%d] share is %s, not a count: shown as unknown"
                            % (i, summaries.shown(share)))
        clients.append({"host": host, "share": parsed})
    return clients


def _normalize_server(raw, problems):
    if isinstance(raw, dict):
        impl = raw.get("impl")
        if impl is not None and not isinstance(impl, str):
            problems.append("run.json: server.impl is %s, not a name such as netty or c-epoll: the server's own "
                            "summary names it instead" % summaries.shown(impl))
            impl = None
        return {"host": raw.get("hostname") or raw.get("host") or raw.get("name"),
                "address": raw.get("address") or raw.get("ip"), "impl": impl}
    if isinstance(raw, str) and raw:
        return {"host": raw, "address": None}
    if raw:
        problems.append("run.json: server is %s, not an object or a host name: the server is the folder with a "
                        "server summary" % summaries.shown(raw))
    return {"host": None, "address": None}


# run.json's numbers, as the report reads them: (key, the setting it becomes, parse, what it must be, the least).
NUMBERS = (("target_connections", "target_connections", parsers.parse_count, "a count of at least 1", 1),
           ("ports", "ports_list", parsers.parse_port_spec, "ports such as 9000-9019", None),
           ("connect_rate", "connect_rate_per_s", parsers.parse_count, "a count", 0),
           ("hold", "hold_s", parsers.parse_duration, "a duration such as 60s", 0),
           ("heartbeat", "heartbeat_s", parsers.parse_duration, "a duration such as 30s", 0))


def normalize_settings(raw, problems=None):
    """run.json -> settings with numbers parsed (the raw text of each is kept beside it). A value that does not
    read as what it must be is named in problems and None (shown as unknown), never a number."""
    problems = [] if problems is None else problems
    settings = dict(raw)
    for key, into, parse, what, least in NUMBERS:
        value = raw.get(key)
        parsed = parse(value)
        if parsed is not None and least is not None and parsed < least:
            parsed = None
        if value is not None and parsed in (None, []):
            problems.append("run.json: %s is %s, not %s: shown as unknown" % (key, summaries.shown(value), what))
            parsed = [] if into == "ports_list" else None
        settings[into] = parsed
    settings["clients"] = _normalize_clients(raw.get("clients"), problems)
    settings["server"] = _normalize_server(raw.get("server"), problems)
    return settings


def _check_is_run_folder(folder):
    if not os.path.exists(folder):
        raise ReportInputError("%s does not exist" % folder,
                               "pass a run folder such as reports/<run-id> (list them with: ls reports/)")
    if not os.path.isdir(folder):
        raise ReportInputError("%s is a file, not a run folder" % folder,
                               "pass the folder that holds run.json, e.g. reports/<run-id>")
    if os.path.isfile(os.path.join(folder, "run.json")):
        return
    runs = sorted(name for name in os.listdir(folder)
                  if os.path.isfile(os.path.join(folder, name, "run.json")))
    if runs:
        raise ReportInputError(
            "%s holds runs, it is not one (no run.json here)" % folder,
            "pass one of its run folders, e.g. %s" % os.path.join(folder, runs[-1]))
    raise ReportInputError(
        "%s has no run.json, so it is not a run folder made by ansible/run-test.yml" % folder,
        "pass reports/<run-id> as written by the playbook; if the run was cut short before run.json "
        "was written, re-run ansible-playbook ansible/run-test.yml")


def _guess_role(host, settings):
    if host.role in ("server", "client"):
        return host.role
    if host.name == settings["server"].get("host"):
        return "server"
    if any(c["host"] == host.name for c in settings["clients"]):
        return "client"
    return None


def load_host(name, folder, settings, problems):
    host = Host(name, folder)
    role_path = os.path.join(folder, "role")
    if os.path.isfile(role_path):
        host.role = _read_text(role_path).strip().lower() or None
    for role in ("server", "client"):
        path = os.path.join(folder, role + "-summary.json")
        if os.path.isfile(path):
            where = "%s/%s-summary.json" % (name, role)
            host.summary, found = summaries.read(path, where)
            problems.extend(found)
            problems.extend(filter(None, [summaries.stale(host.summary, where)]))
            host.role = host.role or role
    host.role = _guess_role(host, settings)
    if host.role is None:
        problems.append("%s: no role file and no summary, and run.json does not name it: left out" % name)
        return host
    # A server the lab did not build (c1m_server_impl=command) writes neither: it is measured from outside.
    own_files = not (host.role == "server" and settings["server"].get("impl") == "command")
    if own_files and host.summary is None and not os.path.isfile(os.path.join(folder, host.role + "-summary.json")):
        problems.append("%s: no %s-summary.json (did the %s start? see hosts/%s/%s.log)"
                        % (name, host.role, host.role, name, host.role))

    timeline_path = os.path.join(folder, host.role + "-timeline.csv")
    if os.path.isfile(timeline_path):
        host.timeline, skipped = parsers.read_timeline(_read_text(timeline_path))
        if skipped:
            problems.append("%s: %s-timeline.csv: %d row(s) unreadable (line %s: cut short, a bad time or a cell "
                            "that is not a number or is negative): left out of the charts" % (
                                name, host.role, len(skipped), ", ".join(map(str, skipped[:5])) + (
                                    ", ..." if len(skipped) > 5 else "")))
        if not host.timeline:
            problems.append("%s: %s-timeline.csv has no rows" % (name, host.role))
    elif own_files:
        problems.append("%s: no %s-timeline.csv: its charts are empty" % (name, host.role))

    for attribute, (filename, parse) in RAW_FILES.items():
        path = os.path.join(folder, filename)
        if os.path.isfile(path):
            setattr(host, attribute, parse(_read_text(path)))
            host.has.add(attribute)
    facts_path = os.path.join(folder, "facts.json")
    if os.path.isfile(facts_path):
        host.facts = _read_json(facts_path, problems, "%s/facts.json" % name) or {}
        host.has.add("facts")

    host.doctor = _read_doctor(folder, "doctor.json", name, problems)
    if host.doctor is not None:
        host.has.add("doctor")
    host.doctor_after = _read_doctor(folder, "doctor-after.json", name, problems)

    log_path = os.path.join(folder, host.role + ".log")
    if os.path.isfile(log_path):
        host.log_file = os.path.relpath(log_path, os.path.dirname(os.path.dirname(folder)))
        lines = _read_text(log_path).splitlines()
        host.log_tail = lines[-LOG_TAIL_LINES:]
        # The client's own first-failure and summary lines explain themselves; keep the others.
        limit_lines = [line for line in lines if LIMIT_LINE.search(line)
                       and not re.search(r"First [A-Z]+ connecting|Done: |Preflight|Reporting failed", line)]
        host.log_limit_count = len(limit_lines)
        # Runs recorded before schema 2 kept these only in the log (c1mlab.legacy); a newer summary overrides them.
        host.first_failures, host.behind_line = legacy.once_facts_from_log(lines)
        host.log_limit_lines = [line.strip() for line in limit_lines[:LIMIT_LINES_KEPT]]
    _once_facts_from_summary(host)
    return host


def _read_doctor(folder, filename, name, problems):
    """A doctor's JSON report the run kept (None when absent or unreadable, said in problems)."""
    path = os.path.join(folder, filename)
    if not os.path.isfile(path):
        return None
    doctor = _read_json(path, problems, "%s/%s" % (name, filename))
    if doctor is not None and not (isinstance(doctor, dict) and isinstance(doctor.get("checks"), list)):
        problems.append("%s/%s has no list of checks: the doctor's findings are left out" % (name, filename))
        return None
    return doctor


def _once_facts_from_summary(host):
    """A schema-2 summary says as data what the jar logs once (its first failure of each kind, its first lag):
    then the summary decides, as for c1m-host; the log's lines stand only for runs recorded before it."""
    summary = host.summary or {}
    if isinstance(summary.get("first_failures"), dict):
        host.first_failures = {
            kind: ("First %s connecting to %s: %s" % (kind, first.get("to"), first.get("message")))[:500]
            for kind, first in summary["first_failures"].items() if isinstance(first, dict)}
    if summary.get("behind"):
        host.behind = summary["behind"]
        host.behind_line = lab_lines.behind_words(summary["behind"])[:500]


def load_run(folder):
    """Read reports/<run-id>/ -> Run. Raises ReportInputError if it is not a run folder."""
    _check_is_run_folder(folder)
    problems = []
    try:
        raw = summaries.load_json(os.path.join(folder, "run.json"), "%s/run.json" % folder)
    except (summaries.Unreadable, OSError) as error:
        raise ReportInputError(
            str(error) if isinstance(error, summaries.Unreadable) else "%s/run.json could not be read: %s" % (
                folder, error.strerror),
            "the playbook writes it at the start of a run; re-run the test or repair the file") from None
    if not isinstance(raw, dict):
        raise ReportInputError("%s/run.json is not a JSON object" % folder,
                               "it should hold run_id, target_connections, ports, ... (docs/interfaces.md)")
    settings = normalize_settings(raw, problems)

    hosts = []
    hosts_folder = os.path.join(folder, "hosts")
    if os.path.isdir(hosts_folder):
        for name in sorted(os.listdir(hosts_folder)):
            path = os.path.join(hosts_folder, name)
            if os.path.isdir(path):
                host = load_host(name, path, settings, problems)
                if host.role:
                    hosts.append(host)
    else:
        problems.append("no hosts/ folder: nothing was fetched from the hosts (outcome: %s)"
                        % raw.get("outcome", "unknown"))

    named = {c["host"] for c in settings["clients"]} | {settings["server"].get("host")}
    fetched = {h.name for h in hosts}
    for missing in sorted(n for n in named - fetched if n):
        problems.append("%s is named in run.json but has no folder under hosts/" % missing)
    # Server first, then clients in name order: the order of every table and chart.
    hosts.sort(key=lambda h: (h.role != "server", h.name))
    return Run(folder, settings, hosts, problems)
