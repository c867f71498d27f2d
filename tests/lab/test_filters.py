#!/usr/bin/env python3
"""Unit tests of ansible/filter_plugins/c1m.py: shares, port lists, durations, the follow loop.

Over 300 lines on purpose: one test class per filter family, each with the real recorded inputs the
playbooks feed it (summaries, c1m-host output); they run as one module under static-checks.sh."""
import importlib.machinery
import importlib.util
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "ansible", "filter_plugins"))
import c1m  # noqa: E402


def status(host, active="active", exit_status=0, result="success", **summary):
    return {"host": host, "unit": {"active": active, "exit_status": exit_status, "result": result},
            "summary": summary or None, "last_line": None}


class Shares(unittest.TestCase):
    def test_shares_cover_the_target_and_differ_by_at_most_one(self):
        for total in (1000000, 15000, 7, 1000001):
            for count in (1, 2, 3, 7):
                hosts = ["c%d" % i for i in range(count)]
                shares = [c1m.c1m_share(total, hosts, h) for h in hosts]
                self.assertEqual(sum(shares), total)
                self.assertLessEqual(max(shares) - min(shares), 1)

    def test_default_split(self):
        hosts = ["a", "b", "c"]
        self.assertEqual([c1m.c1m_share("1m", hosts, h) for h in hosts], [333334, 333333, 333333])


class Containers(unittest.TestCase):
    def test_the_facts_or_the_setting_decide(self):
        self.assertTrue(c1m.c1m_in_container("auto", "guest", "lxc"))
        self.assertFalse(c1m.c1m_in_container("auto", "host", "lxc"), "an LXC host is not itself a container")
        self.assertFalse(c1m.c1m_in_container("auto", "guest", "kvm"), "a VM has a kernel of its own")
        self.assertTrue(c1m.c1m_in_container(True, "guest", "kvm"))
        self.assertFalse(c1m.c1m_in_container("false", "guest", "lxc"))
        with self.assertRaisesRegex(c1m.AnsibleFilterError, "c1m_in_container: c1m_kernel_container is .sometimes."):
            c1m.c1m_in_container("sometimes", "guest", "lxc")


class Notation(unittest.TestCase):
    def test_ports(self):
        self.assertEqual(len(c1m.c1m_ports("9000-9019")), 20)
        self.assertEqual(c1m.c1m_ports("9000,9001,9005-9006"), [9000, 9001, 9005, 9006])

    def test_durations_and_counts(self):
        self.assertEqual(c1m.c1m_seconds("30s"), 30)
        self.assertEqual(c1m.c1m_seconds("10m"), 600)
        self.assertEqual(c1m.c1m_seconds("500ms"), 0.5)
        self.assertEqual(c1m.c1m_count("15k"), 15000)
        self.assertEqual(c1m.c1m_count("1m"), 1000000)

    def test_source_addresses(self):
        self.assertEqual(c1m.c1m_ip_count(""), 1)
        self.assertEqual(c1m.c1m_ip_count("10.0.0.1,10.0.0.2"), 2)
        self.assertEqual(c1m.c1m_ip_count("10.0.0.0/29"), 6)

    def test_port_range(self):
        self.assertEqual(c1m.c1m_port_range_size("1024 65535"), 64512)


class Preflight(unittest.TestCase):
    """The preflight reads the doctor, the one judge: its FAIL rows stop a run, its WARN rows are said."""

    def report(self, *rows):
        return {"role": "client", "checks": [dict(zip(("name", "status", "found", "needed", "fix"), row)) for row in rows]}

    def test_fail_rows_are_problems_warn_rows_warnings_and_a_host_without_a_report_is_named(self):
        verdict = c1m.c1m_preflight({
            "c1m-server": self.report(("epoll watches", "OK", "1,000,000", ">= 1,000,000", "")),
            "c1m-client1": self.report(("fs.nr_open", "FAIL", "1,048,576", ">= 2,000,000", "sysctl -w fs.nr_open=2000000"),
                                       ("somaxconn", "WARN", "4,096", ">= 11,000 per port", "sysctl -w net.core.somaxconn=65535")),
            "c1m-client2": None})
        self.assertEqual(verdict["problems"], [
            "c1m-client2: has no doctor's report: it was not provisioned or its doctor failed (see above)",
            "c1m-client1: fs.nr_open FAIL - found 1,048,576, needs >= 2,000,000 - fix: sysctl -w fs.nr_open=2000000"])
        self.assertEqual(verdict["warnings"], [
            "c1m-client1: somaxconn WARN - found 4,096, needs >= 11,000 per port - fix: sysctl -w net.core.somaxconn=65535"])

    def test_all_ok_is_no_problem_and_no_warning(self):
        verdict = c1m.c1m_preflight({"c1m-server": self.report(("heap", "OK", "1 GiB", ">= 1 GiB", ""))})
        self.assertEqual(verdict, {"problems": [], "warnings": []})


class RunSettings(unittest.TestCase):
    """Issue 20, item 9: every value a user may set is checked before anything starts (tasks/settings.yml)."""

    def test_the_defaults_pass(self):
        import yaml
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "ansible", "group_vars", "all.yml")) as handle:
            defaults = yaml.safe_load(handle)
        self.assertEqual(c1m.c1m_setting_problems(defaults), [])

    def test_each_bad_value_is_one_line_naming_it_and_the_fix(self):
        bad = {"c1m_heartbeat": "1ms", "c1m_connect_rate": "-1", "c1m_max_inflight": "0",
               "c1m_source_ips": "garbage", "c1m_stall_timeout": "-1", "c1m_scenario_restart_signal": "FOO",
               "c1m_scenario_restart_down": "-3s", "c1m_preflight": "maybe", "c1m_run_id": "../../x",
               "c1m_hold": "9999999999h", "c1m_ports": "9019-9000", "c1m_transport": "dpdk",
               "c1m_scenario_port_range": "60999 32768", "c1m_poll_interval": "0", "c1m_target_connections": "lots"}
        lines = c1m.c1m_setting_problems(bad)
        self.assertEqual(len(lines), len(bad), lines)
        for (name, value), line in zip(bad.items(), lines):
            self.assertTrue(line.startswith("%s=%s: " % (name, value)), line)
            self.assertIn("; fix: ", line)
        self.assertEqual(c1m.c1m_setting_problems({"c1m_connect_rate": "abc"})[0],
                         "c1m_connect_rate=abc: 'abc' is not a whole number; fix: new connections a second a client, "
                         "0 for as fast as c1m_max_inflight allows")

    def test_good_values_pass(self):
        self.assertEqual(c1m.c1m_setting_problems({
            "c1m_heartbeat": "0", "c1m_run_id": "my-run_1.2", "c1m_preflight": False, "c1m_build_jars": "yes",
            "c1m_scenario_restart_signal": "TERM", "c1m_source_ips": "10.0.0.1,10.0.0.2", "c1m_connect_rate": 0,
            "c1m_scenario_restart_down": "0", "c1m_ports": "9000", "c1m_stall_timeout": "0"}), [])

    def test_a_count_past_what_the_jars_or_the_kernel_hold_is_refused(self):
        lines = c1m.c1m_setting_problems({"c1m_connect_rate": "99999999999999", "c1m_max_inflight": 99999999999,
                                          "c1m_scenario_conntrack_max": "99999999999999999999"})
        self.assertEqual(len(lines), 3, lines)
        for line in lines:
            self.assertIn("2147483647", line)
            self.assertIn("; fix: ", line)
        self.assertEqual(c1m.c1m_setting_problems({"c1m_connect_rate": 2147483647, "c1m_max_inflight": "2147483647",
                                                   "c1m_scenario_conntrack_max": 2147483647}), [])

    def test_source_addresses_are_ipv4(self):
        for value in ("::1", "10.0.0.1,::1", ["10.0.0.1", "fd00::2"]):
            lines = c1m.c1m_setting_problems({"c1m_source_ips": value})
            self.assertEqual(len(lines), 1, (value, lines))
            self.assertIn("not an IPv4 address", lines[0])
            self.assertIn("; fix: ", lines[0])
        self.assertEqual(c1m.c1m_setting_problems({"c1m_source_ips": ["10.0.0.1", "10.0.0.0/30"]}), [])

    def test_the_restart_signal_ends_the_process(self):
        for name in ("STOP", "TSTP", "TTIN", "TTOU", "CONT", "CHLD", "URG", "WINCH"):
            lines = c1m.c1m_setting_problems({"c1m_scenario_restart_signal": name})
            self.assertEqual(len(lines), 1, (name, lines))
            self.assertIn("does not end a process", lines[0])
        for name in ("TERM", "KILL", "INT", "QUIT", "HUP", "ABRT", "USR1"):
            self.assertEqual(c1m.c1m_setting_problems({"c1m_scenario_restart_signal": name}), [], name)

    def test_a_run_id_with_a_trailing_newline_is_not_a_plain_name(self):
        for value in ("abc\n", "abc\r", "\nabc"):
            self.assertEqual(len(c1m.c1m_setting_problems({"c1m_run_id": value})), 1, repr(value))

    def test_the_playbook_hands_every_checked_setting_over(self):
        import yaml
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "report"))
        from c1mlab import settings
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "ansible", "tasks", "settings.yml")) as handle:
            tasks = yaml.safe_load(handle)
        given = next(t["vars"]["_given"] for t in tasks if t["name"] == "Check the run's settings")
        self.assertEqual(sorted(given), sorted(settings.CHECKS))
        self.assertTrue(all(value == "{{ %s }}" % name for name, value in given.items()))


class ServiceUnit(unittest.TestCase):
    """Issue 20, item 10: the unit's command line reaches the jar word for word, and the unit is hardened."""

    TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "ansible", "roles", "c1m_service", "templates",
                            "c1m-service.service.j2")

    def render(self, **values):
        import jinja2
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.dirname(self.TEMPLATE)))
        env.filters.update(c1m.FilterModule().filters())
        env.filters["bool"] = lambda v: v if isinstance(v, bool) else str(v).lower() in ("true", "yes", "1", "on")
        context = {"ansible_managed": "test", "c1m_service_comment": "c1m test", "c1m_service_description": "c1m test",
                   "c1m_service_role": "server", "c1m_common_user": "c1m", "c1m_common_group": "c1m",
                   "c1m_common_state_dir": "/var/lib/c1m", "c1m_service_limit_nofile": 1048576,
                   "c1m_service_limit_memlock": "infinity", "c1m_service_java_options": ["-Xmx64m", "-Xss256k"],
                   "c1m_service_compact_headers_on": False, "c1m_service_jar": "/opt/c1m/c1m-server.jar",
                   "c1m_service_args": [], "c1m_service_extra_args": [], "c1m_service_success_exit_status": "143",
                   "c1m_service_hardening": True, "c1m_service_writable_paths": ["/var/lib/c1m", "/var/log/c1m"]}
        context.update(values)
        return env.get_template(os.path.basename(self.TEMPLATE)).render(**context)

    @staticmethod
    def exec_start(unit):
        import shlex
        text = unit.split("ExecStart=", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
        return [w.replace("%%", "%").replace("$$", "$") for w in shlex.split(text)]

    def test_values_with_spaces_percent_dollar_and_quotes_reach_the_jar_as_given(self):
        summary = '/var/lib/my c1m/50% "done" $HOME.json'
        unit = self.render(c1m_service_args=["--ports 9000-9019", "--summary " + summary, "", "--reconnect"],
                           c1m_service_extra_args=["--label it's mine"])
        self.assertEqual(self.exec_start(unit),
                         ["/usr/bin/java", "-Xmx64m", "-Xss256k", "-jar", "/opt/c1m/c1m-server.jar", "--ports",
                          "9000-9019", "--summary", summary, "--reconnect", "--label", "it's mine"])
        self.assertIn("50%% ", unit)
        self.assertIn("$$HOME", unit)

    def test_a_state_folder_with_a_space_percent_and_dollar_is_one_path_as_given(self):
        # A state folder "/var/lib/c1m 100%z" failed the unit ("Failed to resolve unit specifiers"), and "50%done"
        # became another folder silently ('%d' expanded); ReadWritePaths doubled '$', which nothing undoes there.
        folder = "/var/lib/my c1m/100%z $x"
        unit = self.render(c1m_common_state_dir=folder, c1m_service_writable_paths=[folder, "/var/log/c1m"])
        self.assertIn("\nWorkingDirectory=/var/lib/my c1m/100%%z $x\n", unit)
        self.assertIn('\nReadWritePaths="/var/lib/my c1m/100%%z $x" /var/log/c1m\n', unit)

    def test_the_hardened_unit_rates_ok(self):
        import shutil
        import subprocess
        import tempfile
        if not shutil.which("systemd-analyze"):
            self.skipTest("no systemd-analyze on this host")
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "c1m-server.service")
            with open(path, "w") as handle:
                handle.write(self.render())
            out = subprocess.run(["systemd-analyze", "security", "--offline=yes", path], capture_output=True,
                                 text=True, timeout=60).stdout
        exposure = float(out.split("Overall exposure level for c1m-server.service: ")[1].split()[0])
        self.assertLess(exposure, 3.0, out)
        self.assertNotIn("ProtectSystem", self.render(c1m_service_hardening=False))


class Follow(unittest.TestCase):
    def test_all_reached_moves_to_holding_with_a_snapshot(self):
        progress = c1m.c1m_progress([status("a", reached=True, state="holding", established=5, open=5)])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 9.0, "20s", 900)
        self.assertEqual(follow["phase"], "holding")
        self.assertTrue(follow["snapshot"])

    def test_a_client_exiting_3_is_a_failure_to_start(self):
        bad = status("b", active="failed", exit_status=3, result="exit-code")
        bad["last_line"] = "nofile 1024 < 5256: raise LimitNOFILE"
        progress = c1m.c1m_progress([status("a", state="ramping"), bad])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 3.0, "20s", 900)
        self.assertEqual(follow["phase"], "done")
        self.assertEqual(follow["outcome"], "failed_to_start")
        self.assertIn("LimitNOFILE", follow["detail"])

    def test_timeout(self):
        progress = c1m.c1m_progress([status("a", state="ramping")])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 901, "20s", 900)
        self.assertEqual(follow["outcome"], "not_reached")

    def test_hold_ends_when_every_client_exited(self):
        progress = c1m.c1m_progress([status("a", active="inactive", reached=True, state="done")])
        follow = c1m.c1m_follow_next({"phase": "holding", "reached_after_s": 9}, progress, 30, "20s", 900)
        self.assertEqual(follow["phase"], "done")
        self.assertNotIn("outcome", follow)


    def test_a_client_closing_a_million_is_given_the_time_to_close_them(self):
        # 1M in one guest: the client was stopped while it still closed its connections (grace 300 s).
        progress = c1m.c1m_progress([status("a", reached=True, state="holding", target=1000000)])
        holding = {"phase": "holding", "reached_after_s": 100}
        follow = c1m.c1m_follow_next(dict(holding), progress, 100 + 301, "120s", 7200)
        self.assertEqual(follow["phase"], "holding")
        follow = c1m.c1m_follow_next(dict(holding), progress, 100 + 1301, "120s", 7200)
        self.assertEqual(follow["phase"], "done")
        self.assertIn("clients still running 1300s after the target was reached", follow["detail"])


def client(host, summary=None, log=None, kernel=None, active="active", limit_nofile="1024"):
    return {"inventory_hostname": host, "unit": {"active": active, "exit_status": 0, "result": "success",
                                                 "limit_nofile": limit_nofile},
            "summary": summary, "events": log or {}, "kernel": kernel or {}, "last_line": None}


RAMP_LINE = ("12:00:01.000 INFO  LoadClient - Ramp finished in 1.2 s: 950 established, 950 open, 1,000 failed for "
             "good (stopped early: 1,000 connections failed for good (mostly EMFILE), the limit set by --max-failures)")
FIRST_EMFILE = {"to": "/192.168.56.10:9000", "message": "Unable to create Channel from class class "
                "io.netty.channel.epoll.EpollSocketChannel. Too many open files: ..."}


class FailuresDuringARun(unittest.TestCase):
    def test_a_stale_summary_and_the_log_give_a_short_ramp_that_stops_the_run(self):
        # At its open-files limit the client cannot rewrite its summary: the log says what happened.
        log = {"first_failures": {"EMFILE": FIRST_EMFILE},
               "ramp_finished": {"line": RAMP_LINE, "established": 950, "open": 950, "failed": 1000,
                                 "stopped_early": "1,000 connections failed for good (mostly EMFILE)"},
               "reporting_failed": "WARN PeriodicReporter - Reporting failed this second: ... Too many open files"}
        stale = {"state": "ramping", "target": 5000, "established": 900, "open": 900, "reached": False}
        progress = c1m.c1m_progress([client("c1", stale, log), client("c2", dict(stale, established=10, open=10))])
        self.assertEqual(progress["established"], 950 + 10)
        self.assertEqual([r["host"] for r in progress["short_ramps"]], ["c1"])
        self.assertEqual(progress["kinds"]["EMFILE"]["hosts"], ["c1"])
        self.assertEqual(progress["stale"][0]["host"], "c1")
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 6.0, "20s", 900, 120)
        self.assertEqual(follow["phase"], "done")
        self.assertEqual(follow["outcome"], "not_reached")
        self.assertIn("c1 ended its ramp at 950 of 5,000 open, 1,000 failed for good", follow["detail"])
        self.assertIn("EMFILE", follow["detail"])
        self.assertTrue(follow["snapshot"], "a snapshot at the wall")
        self.assertEqual(follow["new_kinds"], ["EMFILE"])
        lines = c1m.c1m_failure_lines(follow["new_kinds"], progress, {"c1": 5000, "c2": 5000}, 20)
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith("EMFILE (Too many open files) on c1: the process hit its open-files limit"),
                        lines[0])
        self.assertIn("Fix: raise the service's LimitNOFILE", lines[0])
        self.assertIn("[c1: LimitNOFILE 1024, share 5,000]", lines[0])

    def test_the_progress_lines_of_a_read_at_the_wall(self):
        # The same stale summary and log as above: what follow-poll.yml prints for that read.
        log = {"first_failures": {"EMFILE": FIRST_EMFILE},
               "ramp_finished": {"line": RAMP_LINE, "established": 950, "open": 950, "failed": 1000,
                                 "stopped_early": "1,000 connections failed for good (mostly EMFILE)"},
               "reporting_failed": "WARN PeriodicReporter - Reporting failed this second: ... Too many open files"}
        stale = {"state": "ramping", "target": 5000, "established": 900, "open": 900, "reached": False,
                 "connect_errors": {"EMFILE": 1000}}
        progress = c1m.c1m_progress([client("c1", stale, log), client("c2", dict(stale, established=10, open=10))])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 6.0, "20s", 900, 120)
        lines = c1m.c1m_progress_lines(progress, follow, {}, 6.04, 10000, {"c1": 5000, "c2": 5000}, 20)
        self.assertEqual(lines[0], "[   6.0s done] established 960/10000 (9.6%), open 960")
        self.assertTrue(lines[1].startswith("server open ?, failed "), lines[1])
        self.assertTrue(lines[1].endswith("; clients holding 1, ramping 1"), lines[1])
        self.assertNotIn("reaped", lines[1], "no server summary: no reaped count to show")
        self.assertIn("failures EMFILE 2,000", lines)
        explained = [line for line in lines if line.startswith("EMFILE (Too many open files) on c1, c2: ")]
        self.assertEqual(len(explained), 1, lines)
        self.assertIn("summary not updated on c1", lines[-1])
        # The next read of the same state: the kind was explained already.
        again = c1m.c1m_follow_next(follow, progress, 9.0, "20s", 900, 120)
        self.assertFalse([line for line in c1m.c1m_progress_lines(progress, again, {}, 9.0, 10000)
                          if line.startswith("EMFILE (")])

    def test_the_progress_lines_show_reaped_faults_and_the_lag_once(self):
        summary = {"state": "holding", "target": 100, "established": 100, "open": 98, "reached": True,
                   "lost": 2, "reconnected": 1,
                   "heartbeat": {"interval_ms": 1000, "sent": 500, "due": 500, "late": 5, "missed": 0,
                                 "echoed": 495}}
        server = {"inventory_hostname": "srv", "unit": {"active": "active"},
                  "summary": {"open": 98, "reaped": 2}, "kernel": {}, "events": {}}
        progress = c1m.c1m_progress([client("c1", summary)], server)
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 30.0, "20s", 900)
        faults = c1m.c1m_faults([client("c1", summary)])
        lines = c1m.c1m_progress_lines(progress, dict(follow, lag_new=True), faults, 30, 100)
        self.assertIn("reaped 2 (server keepalive)", lines[1])
        self.assertTrue(any(line.startswith("faults lost 2, reconnected 1") for line in lines), lines)
        self.assertTrue(any(line.startswith("client lag on ") for line in lines), lines)
        self.assertFalse([line for line in c1m.c1m_progress_lines(progress, dict(follow, lag_new=False), faults, 31, 100)
                          if line.startswith("client lag on ")], "the lag is said once")

    def test_a_kind_is_explained_once(self):
        progress = c1m.c1m_progress([client("c1", {"state": "ramping", "target": 10, "established": 5,
                                                   "connect_errors": {"ECONNREFUSED": 3}})])
        first = c1m.c1m_follow_next({"phase": "ramping"}, progress, 3.0, "20s", 900)
        second = c1m.c1m_follow_next(first, progress, 6.0, "20s", 900)
        self.assertEqual(first["new_kinds"], ["ECONNREFUSED"])
        self.assertEqual(second["new_kinds"], [])
        self.assertEqual(c1m.c1m_failure_counts(progress), "ECONNREFUSED 3")

    def test_timeouts_while_the_servers_conntrack_is_full_name_the_full_table(self):
        summary = {"state": "ramping", "target": 5000, "established": 4000, "open": 4000,
                   "connect_errors": {"ETIMEDOUT": 700}, "failed": {"ETIMEDOUT": 100}}
        server = {"inventory_hostname": "srv", "unit": {"active": "active"}, "summary": {"open": 4090},
                  "kernel": {"conntrack": {"count": 4096, "max": 4096}}, "events": {}}
        progress = c1m.c1m_progress([client("c1", summary)], server)
        self.assertEqual(progress["conntrack_full"], ["srv"])
        self.assertEqual(c1m.c1m_failure_counts(progress), "ETIMEDOUT 700 (100 for good)")
        line = c1m.c1m_failure_lines(["ETIMEDOUT"], progress)[0]
        self.assertIn("the conntrack table is full", line)
        self.assertIn("conntrack on srv at its max: 4,096 of 4,096", line)
        self.assertIn("raise net.netfilter.nf_conntrack_max", line)

    def test_timeouts_without_a_full_table_are_not_blamed_on_conntrack(self):
        summary = {"state": "ramping", "target": 50, "connect_errors": {"ETIMEDOUT": 7}}
        server = {"unit": {"active": "active"}, "kernel": {"conntrack": {"count": 10, "max": 4096}}}
        line = c1m.c1m_failure_lines(["ETIMEDOUT"], c1m.c1m_progress([client("c1", summary)], server))[0]
        self.assertNotIn("conntrack table is full", line)
        self.assertIn("the SYN or its answer was dropped", line)

    def test_cannot_assign_requested_address_shows_the_port_arithmetic(self):
        summary = {"state": "ramping", "target": 5000, "established": 1000, "connect_errors": {"EADDRNOTAVAIL": 40}}
        progress = c1m.c1m_progress([client("c1", summary, kernel={"ip_local_port_range": "40000 40999"})])
        line = c1m.c1m_failure_lines(["EADDRNOTAVAIL"], progress, {"c1": 5000}, 1)[0]
        self.assertIn("EADDRNOTAVAIL (Cannot assign requested address)", line)
        self.assertIn("c1: ip_local_port_range 40000 40999 = 1,000 ports, about 500 usable per (source, server, port); "
                      "its share of 5,000 over 1 port(s) puts 5,000 on each", line)
        # The same evidence on several clients is said once.
        both = c1m.c1m_progress([client(h, summary, kernel={"ip_local_port_range": "40000 40999"}) for h in ("c1", "c2")])
        line = c1m.c1m_failure_lines(["EADDRNOTAVAIL"], both, {"c1": 5000, "c2": 5000}, 1)[0]
        self.assertIn("on c1, c2: the client ran out of local ports", line)
        self.assertIn("[c1, c2: ip_local_port_range 40000 40999 = 1,000 ports", line)

    def test_epoll_enospc_is_named_for_what_it_is(self):
        first = {"to": "/192.168.56.10:9003", "message": "epoll_ctl(..) failed with error(-28): No space left on device"}
        progress = c1m.c1m_progress([client("c1", {"state": "ramping", "target": 9, "connect_errors": {"OTHER": 4}},
                                            {"first_failures": {"OTHER": first}})])
        line = c1m.c1m_failure_lines(["OTHER"], progress)[0]
        self.assertIn("the user's epoll watches (fs.epoll.max_user_watches) ran out", line)
        self.assertIn("Fix: raise fs.epoll.max_user_watches", line)
        self.assertIn("first seen: connecting to /192.168.56.10:9003: epoll_ctl(..) failed with "
                      "error(-28): No space left on device", line)

    def test_a_stall_stops_the_run_after_the_stall_timeout(self):
        progress = c1m.c1m_progress([client("c1", {"state": "ramping", "target": 5000, "established": 1000})])
        follow = {"phase": "ramping"}
        for elapsed in (3, 30, 60, 90, 103):
            follow = c1m.c1m_follow_next(follow, progress, elapsed, "20s", 900, 100)
            self.assertEqual(follow["phase"], "ramping", elapsed)
        follow = c1m.c1m_follow_next(follow, progress, 104, "20s", 900, 100)
        self.assertEqual(follow["phase"], "done")
        self.assertTrue(follow["detail"].startswith("stalled: no new connection for 101s at 1,000 of 5,000"),
                        follow["detail"])
        # Progress resets the clock; 0 turns the rule off.
        moving = c1m.c1m_follow_next({"phase": "ramping", "last_established": 900, "last_change_s": 0},
                                     progress, 500, "20s", 900, 100)
        self.assertEqual(moving["phase"], "ramping")
        self.assertEqual(c1m.c1m_follow_next({"phase": "ramping", "last_established": 1000, "last_change_s": 0},
                                             progress, 500, "20s", 900, 0)["phase"], "ramping")

    def test_a_ramp_that_ended_at_the_share_is_not_short_while_the_summary_lags(self):
        # The log's ramp line can be newer than the summary: a reached ramp is not a short one.
        lagging = {"state": "ramping", "target": 5000, "established": 4200, "open": 4200, "reached": False}
        ramp = {"established": 5000, "open": 5000, "failed": 0, "stopped_early": None}
        progress = c1m.c1m_progress([client("c1", lagging, {"ramp_finished": ramp, "target": 5000})])
        self.assertEqual(progress["short_ramps"], [])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 5.0, "20s", 900, 120)
        self.assertEqual(follow["phase"], "ramping")

    def test_a_reached_client_is_not_a_short_ramp(self):
        done = {"state": "holding", "target": 10, "established": 10, "open": 10, "reached": True}
        progress = c1m.c1m_progress([client("c1", done, {"ramp_finished": {"established": 10, "open": 10, "failed": 0}})])
        self.assertEqual(progress["short_ramps"], [])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 5.0, "20s", 900, 120)
        self.assertEqual(follow["phase"], "holding")


DOCTOR = {"role": "client", "ok": 10, "warn": 1, "fail": 1, "checks": [
    {"name": "open files (hard)", "status": "FAIL", "found": "1,024 (LimitNOFILE)", "needed": ">= 5,074",
     "fix": "LimitNOFILE=6000 in the systemd unit"},
    {"name": "tcp_mem", "status": "WARN", "found": "hidden", "needed": "-", "fix": "check it on the host"},
    {"name": "fs.nr_open", "status": "OK", "found": "1", "needed": "1", "fix": None}]}
NOFILE = {"name": "nofile", "expect": ["EMFILE"], "doctor_checks": ["open files (hard)"], "fix": "LimitNOFILE"}


class Scenarios(unittest.TestCase):
    def test_doctor_findings(self):
        rows = c1m.c1m_doctor_findings({"c1": DOCTOR, "s": None})
        self.assertEqual([(r["host"], r["name"], r["status"]) for r in rows],
                         [("c1", "open files (hard)", "FAIL"), ("c1", "tcp_mem", "WARN")])
        self.assertEqual(c1m.c1m_doctor_counts({"c1": DOCTOR, "s": None}),
                         {"c1": {"role": "client", "ok": 10, "warn": 1, "fail": 1}, "s": None})
        self.assertEqual(c1m.c1m_doctor_line(rows[0]), "c1: open files (hard) FAIL - found 1,024 (LimitNOFILE), "
                         "needs >= 5,074 - fix: LimitNOFILE=6000 in the systemd unit")

    def test_a_scenario_that_hit_its_wall(self):
        figures = {"failures_by_kind": {"EMFILE": 3000}, "connect_errors_by_kind": {"EMFILE": 12000}}
        seen = c1m.c1m_failures_seen(figures)
        self.assertEqual([(f["kind"], f["for_good"], f["attempts"]) for f in seen], [("EMFILE", 3000, 12000)])
        result = c1m.c1m_scenario_result(NOFILE, seen, c1m.c1m_doctor_findings({"c1": DOCTOR}), "not_reached")
        self.assertTrue(result["wall_hit"])
        self.assertTrue(result["doctor_agrees"])
        self.assertEqual(result["hit"], ["EMFILE"])
        self.assertEqual(result["text"], "nofile: hit its wall as expected: EMFILE (Too many open files)")
        self.assertEqual(result["doctor_lines"], ["doctor on c1 before the run: open files (hard) FAIL - found "
                                                  "1,024 (LimitNOFILE), needs >= 5,074"])
        self.assertEqual(result["failures"][0]["kind"], "EMFILE")

    def test_a_scenario_that_missed_its_wall(self):
        result = c1m.c1m_scenario_result(NOFILE, [], [], "reached")
        self.assertFalse(result["wall_hit"])
        self.assertIn("did NOT hit its wall (expected EMFILE; seen: no failure; outcome reached)", result["text"])

    def test_a_stall_counts_where_the_scenario_says_so(self):
        ports = {"name": "port-range", "expect": ["EADDRNOTAVAIL"], "stall_counts": True, "doctor_checks": ["5-tuple"]}
        result = c1m.c1m_scenario_result(ports, [], [], "not_reached", "stalled: no new connection for 121s")
        self.assertTrue(result["wall_hit"])
        self.assertEqual(result["hit"], ["stall"])
        self.assertFalse(c1m.c1m_scenario_result(NOFILE, [], [], "not_reached", "stalled: ...")["wall_hit"])

    def test_baseline_expects_no_wall(self):
        result = c1m.c1m_scenario_result({"name": "baseline", "expect": []}, [], [], "reached")
        self.assertIsNone(result["wall_hit"])
        self.assertEqual(result["text"], "baseline: every limit tuned; no wall expected")


class Summary(unittest.TestCase):
    def test_outcomes(self):
        good = {"reached": True, "peak_open": 5, "established": 5, "lost": 0, "dead": 0, "exit_code": 0,
                "ramp_seconds": 2.5, "failed": {"ETIMEDOUT": 0}}
        lossy = dict(good, lost=1, exit_code=1)
        short = dict(good, reached=False, peak_open=4, exit_code=1, failed={"ETIMEDOUT": 1}, failed_total=1)
        self.assertEqual(c1m.c1m_run_summary({"a": good, "b": good}, {"peak_open": 10}, 10)["outcome"], "reached")
        self.assertEqual(c1m.c1m_run_summary({"a": good, "b": lossy}, None, 10)["outcome"], "reached_with_losses")
        figures = c1m.c1m_run_summary({"a": good, "b": short}, None, 10)
        self.assertEqual(figures["outcome"], "not_reached")
        self.assertEqual(figures["failures_by_kind"], {"ETIMEDOUT": 1})
        self.assertIsNone(figures["time_to_reach_s"])
        self.assertEqual(c1m.c1m_run_summary({"a": good, "b": None}, None, 10)["outcome"], "not_reached")


FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "report", "tests", "fixtures")


def fixture_summaries(run):
    """{host: client-summary.json} of a recorded report fixture (a real loopback run of the jars)."""
    folder = os.path.join(FIXTURES, run, "hosts")
    out = {}
    for host in sorted(os.listdir(folder)):
        path = os.path.join(folder, host, "client-summary.json")
        if os.path.exists(path):
            with open(path) as handle:
                out[host] = json.load(handle)
    return out


def beat(due, sent, late, missed, p50=0.1, p99=2.0, due_p99=3.0):
    """A client summary's heartbeat (new jar), without histograms: the figures are then the worst client's."""
    return {"interval_ms": 1000, "due": due, "sent": sent, "late": late, "missed": missed, "received": sent,
            "schedule_kept": (sent - late) / float(due) if due else None, "p50_ms": p50, "p99_ms": p99,
            "max_ms": p99 * 2, "from_due": {"count": sent, "p50_ms": p50 * 2, "p99_ms": due_p99, "max_ms": due_p99 * 2}}


class Heartbeats(unittest.TestCase):
    """The schedule kept, late and missed (the client's lag) and both round trips, in the progress and the summary."""

    def test_a_real_run_whose_clients_fell_behind_is_reached_with_its_lag_named(self):
        summaries = fixture_summaries("loopback-2x1000-heartbeats")
        figures = c1m.c1m_run_summary(summaries, {"peak_open": 2000}, 2000)
        self.assertEqual(figures["outcome"], "reached")
        self.assertEqual(figures["dead"], 0)
        beats = [s["heartbeat"] for s in summaries.values()]
        self.assertEqual(figures["heartbeat_late"], sum(b["late"] for b in beats))
        self.assertEqual(figures["heartbeat_missed"], sum(b["missed"] for b in beats))
        self.assertAlmostEqual(figures["schedule_kept"],
                               sum(b["sent"] - b["late"] for b in beats) / float(sum(b["due"] for b in beats)), 6)
        # Merged from the histograms: the same figures as the report's (report/tests/test_heartbeat_schedule.py).
        self.assertEqual(figures["heartbeat"]["rtt"]["source"], "merged")
        self.assertEqual((figures["heartbeat_p50_ms"], figures["heartbeat_p99_ms"], figures["heartbeat_max_ms"]),
                         (0.044, 456.191, 1417.215))
        self.assertEqual((figures["heartbeat_due_p50_ms"], figures["heartbeat_due_p99_ms"],
                          figures["heartbeat_due_max_ms"]), (0.87, 1131.519, 2416.639))
        line = c1m.c1m_heartbeat_line(figures["heartbeat"])
        self.assertEqual(line, "schedule kept 85.18% (7,093 late, 1,396 missed: the client's lag), round trip "
                               "p50/p99/max 0.04/456/1417 ms from written, 0.87/1132/2417 ms from due")
        lag = c1m.c1m_lag_line(figures["heartbeat"])
        self.assertTrue(lag.startswith("client lag on loopback-client-1, loopback-client-2: 7,093 heartbeat(s) "
                                       "written late and 1,396 missed of 57,281 due (schedule kept 85.18%)"), lag)
        self.assertIn("not the server's", lag)
        self.assertIn("never as dead, and do not fail the run", lag)
        self.assertIn("Fix: fewer connections per client (more clients), more CPUs for each client, or a longer "
                      "c1m_heartbeat", lag)

    def test_late_heartbeats_never_change_the_outcome_dead_ones_do(self):
        good = {"reached": True, "peak_open": 5, "established": 5, "lost": 0, "dead": 0, "exit_code": 0,
                "ramp_seconds": 1.0}
        behind = dict(good, heartbeat=beat(100, 60, 50, 40))
        figures = c1m.c1m_run_summary({"a": behind, "b": behind}, None, 10)
        self.assertEqual(figures["outcome"], "reached")
        self.assertEqual(figures["schedule_kept"], 0.1)
        self.assertEqual(figures["dead"], 0)
        silent = dict(good, dead=2, exit_code=1, heartbeat=beat(100, 100, 0, 0))
        figures = c1m.c1m_run_summary({"a": behind, "b": silent}, None, 10)
        self.assertEqual(figures["outcome"], "reached_with_losses")
        self.assertEqual(figures["dead"], 2)
        self.assertEqual(figures["heartbeat"]["behind"], ["a"])

    def test_without_histograms_the_worst_client_bounds_the_round_trips(self):
        hb = c1m.c1m_heartbeats({"a": {"heartbeat": beat(10, 10, 0, 0, p99=2.0, due_p99=3.0)},
                                 "b": {"heartbeat": beat(10, 10, 0, 0, p99=5.0, due_p99=9.0)}})
        self.assertEqual((hb["rtt"]["p99_ms"], hb["rtt"]["source"]), (5.0, "worst client"))
        self.assertEqual(hb["rtt_due"]["p99_ms"], 9.0)
        self.assertEqual(hb["schedule_kept"], 1.0)
        self.assertEqual(c1m.c1m_heartbeat_line(hb), "schedule kept 100.00%, round trip p50/p99/max 0.10/5.00/10.0 ms "
                                                     "from written (worst client), 0.20/9.00/18.0 ms from due (worst client)")
        self.assertEqual(c1m.c1m_lag_line(hb), "")

    def test_an_older_client_jar_has_no_schedule_and_heartbeats_off_say_nothing(self):
        figures = c1m.c1m_run_summary(fixture_summaries("loopback-2x3000"), None, 6000)
        self.assertFalse(figures["heartbeat"]["recorded"])
        self.assertIsNone(figures["schedule_kept"])
        self.assertIsNone(figures["heartbeat_due_p99_ms"])
        self.assertEqual(figures["heartbeat"]["rtt"]["source"], "merged")
        self.assertTrue(c1m.c1m_heartbeat_line(figures["heartbeat"]).startswith("round trip p50/p99/max "))
        self.assertNotIn("from due", c1m.c1m_heartbeat_line(figures["heartbeat"]))
        off = c1m.c1m_heartbeats({"a": {"heartbeat": {"interval_ms": 0, "sent": 0}}})
        self.assertEqual((c1m.c1m_heartbeat_line(off), c1m.c1m_lag_line(off)), ("", ""))

    def test_the_progress_carries_the_schedule_and_says_the_lag_once(self):
        running = {"state": "holding", "target": 10, "established": 10, "open": 10, "reached": True,
                   "heartbeat": beat(10_000, 9_990, 3, 7)}
        # The client's summary (schema 3) says its first lag as data: the kind and the figures.
        behind = {"kind": "lag-hold", "at": "2026-12-01T09:49:21.432Z", "how": "late", "lag_ms": 230, "late_after_ms": 100,
                  "connections": 10, "heartbeat": "1s", "per_second": 10, "loops": 2}
        progress = c1m.c1m_progress([client("c1", running, {"behind": behind}),
                                     client("c2", dict(running, heartbeat=beat(10_000, 10_000, 0, 0)))])
        self.assertEqual(progress["dead"], 0)
        hb = progress["heartbeat"]
        self.assertEqual((hb["due"], hb["late"], hb["missed"], hb["behind"]), (20_000, 3, 7, ["c1"]))
        self.assertEqual(hb["schedule_kept"], 0.99935)
        self.assertTrue(c1m.c1m_heartbeat_line(hb).startswith(
            "schedule kept 99.94% (3 late, 7 missed: the client's lag), round trip p50/p99/max "), c1m.c1m_heartbeat_line(hb))
        first = c1m.c1m_follow_next({"phase": "holding", "reached_after_s": 3}, progress, 5.0, "20s", 900)
        second = c1m.c1m_follow_next(first, progress, 10.0, "20s", 900)
        self.assertTrue(first["lag_new"])
        self.assertFalse(second["lag_new"])
        self.assertEqual(first["phase"], "holding")
        line = c1m.c1m_lag_line(hb, progress["behind"])
        self.assertIn("client lag on c1: 3 heartbeat(s) written late and 7 missed of 20,000 due", line)
        self.assertIn(": with every connection open, the client could not write one heartbeat", line)
        self.assertIn(". Fix: fewer connections per client (more clients), more CPUs for each client, or a longer "
                      "c1m_heartbeat [", line)
        self.assertTrue(line.endswith("[first heartbeat written 0.2 s after it was due (late: more than 0.1 s), while "
                                      "holding; 10 connections x one heartbeat every 1s = 10/s on 2 event loops]"), line)
        # A lag in the ramp has its own cause and fix.
        ramp = dict(behind, kind="lag-ramp", how="missed", missed=1500)
        line = c1m.c1m_lag_line(hb, ramp)
        self.assertIn(": the client's event loops were opening connections and writing heartbeats at once", line)
        self.assertIn(". Fix: a slower ramp (c1m_connect_rate)", line)
        self.assertIn("[first heartbeat skipped, 1,500 of them, a whole interval behind (missed), while the ramp was "
                      "still connecting;", line)

    def test_an_older_clients_lag_sentence_is_shown_as_it_wrote_it(self):
        hb = c1m.c1m_heartbeats({"a": {"heartbeat": beat(100, 90, 3, 7)}})
        said = ("First heartbeat written 0.2 s after it was due (late: more than 0.1 s): this client is behind its "
                "own schedule (10 connections x one heartbeat every 1s = 10/s on 2 event loops). Fix: fewer ...")
        line = c1m.c1m_lag_line(hb, said)
        self.assertIn(". Fix: fewer connections per client", line)
        self.assertTrue(line.endswith("[First heartbeat written 0.2 s after it was due (late: more than 0.1 s): this "
                                      "client is behind its own schedule (10 connections x one heartbeat every 1s = "
                                      "10/s on 2 event loops).]"), line)
        self.assertNotIn("Fix: fewer ...", line)

    def test_schedule_kept_keeps_a_shortfall_visible(self):
        hb = c1m.c1m_heartbeats({"a": {"heartbeat": beat(100_000, 100_000, 1, 0)}})
        self.assertIn("schedule kept 99.999% (1 late, 0 missed", c1m.c1m_heartbeat_line(hb))

    def test_the_host_helper_reads_the_summary_not_the_log(self):
        loader = importlib.machinery.SourceFileLoader(
            "c1m_host", os.path.join(os.path.dirname(__file__), "..", "..", "ansible", "roles", "c1m_common", "files",
                                     "c1m-host"))
        spec = importlib.util.spec_from_loader("c1m_host", loader)
        helper = importlib.util.module_from_spec(spec)
        loader.exec_module(helper)
        summary = {"schema": 2, "target": 5000, "behind": "First heartbeat written 0.2 s after it was due: ...",
                   "first_failures": {"EMFILE": {"to": "10.0.3.10:9000", "message": "Too many open files"}},
                   "ramp_end": {"seconds": 2.5, "established": 1000, "open": 1000, "failed": 4000,
                                "stopped_early": "4,000 connections failed for good (mostly EMFILE)", "mostly": "EMFILE"},
                   "updated_at": "2000-01-01T00:00:00.000Z"}
        events = helper.summary_events(summary, active=False)
        self.assertEqual(events["first_failures"], {"EMFILE": {"to": "10.0.3.10:9000", "message": "Too many open files"}})
        self.assertEqual((events["ramp_finished"]["open"], events["ramp_finished"]["mostly"]), (1000, "EMFILE"))
        self.assertIn("First heartbeat written 0.2 s", events["behind"])
        self.assertIsNone(events["reporting_failed"])
        # A running service whose summary is old: the jar could not write it.
        self.assertIn("last written", helper.summary_events(summary, active=True)["reporting_failed"])
        self.assertIsNone(helper.summary_events(None, active=True)["ramp_finished"])
        server = helper.summary_events({"schema": 2, "accept_errors": {"count": 12, "first": ["IOException: accept(..) "
                                        "failed: Too many open files"]}}, active=True)
        self.assertEqual((server["error_count"], len(server["errors"])), (12, 1))


class FailureWords(unittest.TestCase):
    def test_the_playbook_explains_every_kind_in_the_labs_terms_from_the_shared_table(self):
        self.assertEqual(sorted(c1m.evidence.HELP), ["EADDRNOTAVAIL", "ECONNREFUSED", "ECONNRESET", "EMFILE",
                                                    "ENFILE", "ENOBUFS", "ETIMEDOUT", "OTHER", "WS_STATUS", "WS_TIMEOUT",
                                                    "WS_UPGRADE"])
        self.assertIn("c1m_server_limit_nofile", c1m.evidence.HELP["EMFILE"][2])
        self.assertIn("c1m_kernel_conntrack_max", c1m.evidence.CONNTRACK_FULL[1])
        explained = c1m.c1m_failure_explained("ENFILE")
        self.assertEqual((explained["title"], explained["fix"]), c1m.evidence.HELP["ENFILE"][::2])


class HelperJson(unittest.TestCase):
    def test_plain_json(self):
        self.assertEqual(c1m.c1m_json('{"a": 1}\n'), {"a": 1})

    def test_sudo_warning_before_the_json_is_skipped(self):
        out = "sudo: unable to resolve host c1m-server: Temporary failure in name resolution\r\n[1, 2]\r\n"
        self.assertEqual(c1m.c1m_json(out, "facts"), [1, 2])

    def test_no_json_names_the_output_and_the_fix(self):
        for out in ("", "sudo: unable to resolve host x\n", "{not json"):
            with self.assertRaises(c1m.AnsibleFilterError) as raised:
                c1m.c1m_json(out, "the kernel facts")
            self.assertIn("the kernel facts printed no JSON", str(raised.exception))
            self.assertIn("/etc/hosts", str(raised.exception))


class SysctlApply(unittest.TestCase):
    """The kernel role's one-run apply (files/c1m-sysctl-apply.py): writes only what differs, names what fails."""

    def setUp(self):
        import tempfile
        path = os.path.join(os.path.dirname(__file__), "..", "..", "ansible", "roles", "c1m_kernel", "files",
                            "c1m-sysctl-apply.py")
        loader = importlib.machinery.SourceFileLoader("c1m_sysctl_apply", path)
        spec = importlib.util.spec_from_loader("c1m_sysctl_apply", loader)
        self.script = importlib.util.module_from_spec(spec)
        loader.exec_module(self.script)
        self.root = tempfile.mkdtemp(prefix="c1m-sysctl-")
        self.addCleanup(__import__("shutil").rmtree, self.root, True)
        self.script.PROC_SYS = self.root + "/"
        for key, value in (("fs/nr_open", "1048576\n"), ("net/ipv4/tcp_rmem", "4096\t131072\t6291456\n")):
            os.makedirs(os.path.join(self.root, os.path.dirname(key)), exist_ok=True)
            with open(os.path.join(self.root, key), "w") as handle:
                handle.write(value)

    def run_script(self, wanted):
        import contextlib
        import io
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = self.script.main(wanted)
        return rc, json.loads(out.getvalue())

    def test_only_what_differs_is_written_and_a_second_run_changes_nothing(self):
        wanted = {"fs.nr_open": 1048576, "net.ipv4.tcp_rmem": "4096 4096 6291456"}
        self.assertEqual(self.run_script(wanted), (0, {"changed": ["net.ipv4.tcp_rmem"], "failed": {}}))
        with open(os.path.join(self.root, "net/ipv4/tcp_rmem")) as handle:
            self.assertEqual(handle.read(), "4096 4096 6291456\n")
        self.assertEqual(self.run_script(wanted), (0, {"changed": [], "failed": {}}))

    def test_a_setting_the_kernel_lacks_fails_naming_it(self):
        rc, result = self.run_script({"net.netfilter.nf_conntrack_max": 4096, "fs.nr_open": 2000000})
        self.assertEqual(rc, 1)
        self.assertEqual(result["changed"], ["fs.nr_open"])
        self.assertIn("net.netfilter.nf_conntrack_max = 4096: No such file or directory",
                      result["failed"]["net.netfilter.nf_conntrack_max"])


if __name__ == "__main__":
    unittest.main()
