# -*- coding: utf-8 -*-
"""The c1m playbooks' and roles' filters: a thin adapter over report/c1mlab, the controller's logic that
the report generator reads too. Each filter is a c1mlab function under a stable name; a notation
error becomes an AnsibleFilterError naming the filter. Nothing here decides anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

try:
    from ansible.errors import AnsibleFilterError
    from ansible.utils.display import Display
except ImportError:  # the unit tests under a Python without Ansible: the same logic, plain errors
    AnsibleFilterError = ValueError
    Display = None

# The controller's logic lives in report/c1mlab, shared with the report generator.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "report"))
from c1mlab import evidence, faults, follow_lines, hosts, lines, notation, plan, progress, settings, summaries, units, verdict  # noqa: E402

_display = Display() if Display else None


def _filter(function, name):
    """function as a filter: a notation error becomes an AnsibleFilterError naming the filter."""
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (notation.NotationError, summaries.NoJson, ValueError) as error:
            raise AnsibleFilterError("%s: %s" % (name, error))
    run.__name__ = name
    run.__doc__ = function.__doc__
    return run


def c1m_share_of(host, total, hosts):
    """host | c1m_share_of(total, hosts): c1m_share with the host first, for map()."""
    return plan.share(total, hosts, host)


def c1m_json(output, what="the helper"):
    """The JSON a helper printed; the lines sudo or the shell printed before it are shown as a warning."""
    value, noise = summaries.json_after_noise(output, what)
    if noise and _display:
        _display.warning("%s printed this before its JSON (ignored): %s" % (what, " | ".join(noise)))
    return value


FILTERS = {
    "c1m_ports": notation.ports,
    "c1m_seconds": notation.seconds,
    "c1m_count": notation.count,
    "c1m_ip_count": notation.source_count,
    "c1m_share": plan.share,
    "c1m_share_of": c1m_share_of,
    "c1m_port_range_size": notation.port_range_size,
    "c1m_progress": progress.fold,
    "c1m_follow_next": progress.follow_next,
    "c1m_progress_lines": follow_lines.progress_lines,
    "c1m_failure_lines": lines.failure_lines,
    "c1m_failure_counts": lines.failure_counts,
    "c1m_failure_explained": evidence.explained,
    "c1m_failures_seen": evidence.failures_seen,
    "c1m_doctor_findings": summaries.doctor_findings,
    "c1m_doctor_counts": summaries.doctor_counts,
    "c1m_doctor_line": lines.doctor_line,
    "c1m_preflight": lines.preflight,
    "c1m_setting_problems": settings.problems,
    "c1m_systemd_word": units.word,
    "c1m_systemd_option": units.option,
    "c1m_systemd_path": units.path,
    "c1m_systemd_path_word": units.path_word,
    "c1m_scenario_result": verdict.scenario_result,
    "c1m_run_summary": summaries.run_summary,
    "c1m_heartbeats": summaries.heartbeats,
    "c1m_heartbeat_line": lines.heartbeat_line,
    "c1m_lag_line": lines.lag_line,
    "c1m_reaped_line": lines.reaped_line,
    "c1m_json": c1m_json,
    "c1m_in_container": hosts.in_container,
    "c1m_faults": faults.from_statuses,
    "c1m_faults_of": faults.fold,
    "c1m_faults_line": faults.line,
    "c1m_restart_next": faults.restart_next,
    "c1m_restart_result": faults.restart_result,
}
# Module-level names too, for the unit tests (tests/lab/test_filters.py).
globals().update((name, _filter(function, name)) for name, function in FILTERS.items())


class FilterModule(object):
    def filters(self):
        return dict((name, globals()[name]) for name in FILTERS)


