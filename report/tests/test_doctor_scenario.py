"""The doctor's findings (hosts/<name>/doctor.json) and the scenario (run.json) in the report."""

import json
import os
import unittest

from helpers import ScratchRun

from c1mreport.build import build

FIVE_TUPLE_FAIL = {
    "name": "5-tuple", "status": "FAIL",
    "found": "282,320 = 20 server port(s) x 1 source address(es) x 14,116 (half of ip_local_port_range 32768-60999, "
             "Linux's default)",
    "needed": ">= 333,334 (this client's share)",
    "fix": "sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\"",
}


def doctor(role, connections, *checks):
    rows = list(checks) + [{"name": "fs.nr_open", "status": "OK", "found": "1,048,576", "needed": ">= 1", "fix": "-"},
                           {"name": "tcp_mem", "status": "WARN", "found": "hidden in a network namespace",
                            "needed": "max >= 1 page a socket", "fix": "check it on the host"}]
    return {"role": role, "connections": connections, "checks": rows,
            "ok": sum(c["status"] == "OK" for c in rows), "warn": sum(c["status"] == "WARN" for c in rows),
            "fail": sum(c["status"] == "FAIL" for c in rows)}


class DoctorAndScenario(unittest.TestCase):
    def setUp(self):
        self.scratch = ScratchRun("stalled-eaddrnotavail")
        self.addCleanup(self.scratch.cleanup)

    def write(self, relative, data):
        with open(os.path.join(self.scratch.path, relative), "w") as handle:
            handle.write(data if isinstance(data, str) else json.dumps(data))

    def built(self):
        summary, _ = build(self.scratch.path)
        with open(os.path.join(self.scratch.path, "report.html")) as handle:
            html = handle.read()
        with open(os.path.join(self.scratch.path, "report.md")) as handle:
            md = handle.read()
        return summary, html, md

    def test_without_doctor_json_the_report_says_so(self):
        summary, html, md = self.built()
        self.assertEqual(summary["doctor"]["hosts"], {})
        self.assertIn('id="doctor"', html)
        self.assertIn("No doctor.json was collected", html)
        self.assertIn("No doctor.json was collected.", md)
        self.assertNotIn('id="scenario"', html)

    def test_the_doctor_after_the_run_shows_what_changed_and_only_that(self):
        self.write("hosts/c1m-server/doctor.json", doctor("server", 1000000))
        memory_after = {"name": "memory", "status": "FAIL", "found": "MemAvailable 310 MiB",
                        "needed": ">= 2 GiB", "fix": "stop what holds the memory"}
        self.write("hosts/c1m-server/doctor-after.json", doctor("server", 1000000, memory_after))
        self.write("hosts/c1m-client-1/doctor.json", doctor("client", 333334))
        self.write("hosts/c1m-client-1/doctor-after.json", doctor("client", 333334))
        summary, html, md = self.built()
        after = summary["doctor_after"]
        self.assertEqual(sorted(after["hosts"]), ["c1m-client-1", "c1m-server"])
        self.assertEqual(after["changes"], [{"host": "c1m-server", "name": "memory", "before": None, "after": "FAIL",
                                             "found": "MemAvailable 310 MiB", "needed": ">= 2 GiB",
                                             "fix": "stop what holds the memory"}])
        self.assertIn('id="doctor-after"', html)
        self.assertIn("The doctor after the run", md)
        self.assertIn("| c1m-server | memory | – | FAIL | MemAvailable 310 MiB |", md)
        self.assertIn("c1m-client-1: 1 OK, 1 WARN, 0 FAIL", md)

    def test_a_check_that_went_back_to_ok_is_a_change_too(self):
        self.write("hosts/c1m-server/doctor.json", doctor("server", 1000000, dict(FIVE_TUPLE_FAIL, name="memory")))
        self.write("hosts/c1m-server/doctor-after.json", doctor("server", 1000000, dict(
            FIVE_TUPLE_FAIL, name="memory", status="OK")))
        summary, _, _ = self.built()
        self.assertEqual([(c["name"], c["before"], c["after"]) for c in summary["doctor_after"]["changes"]],
                         [("memory", "FAIL", "OK")])

    def test_without_doctor_after_there_is_no_section(self):
        self.write("hosts/c1m-server/doctor.json", doctor("server", 1000000))
        summary, html, md = self.built()
        self.assertEqual(summary["doctor_after"], {"hosts": {}, "changes": []})
        self.assertNotIn('id="doctor-after"', html)
        self.assertNotIn("after the run", md)

    def test_the_doctors_findings_are_shown_and_back_the_failure(self):
        for n in (1, 2, 3):
            self.write("hosts/c1m-client-%d/doctor.json" % n, doctor("client", 333334, FIVE_TUPLE_FAIL))
        self.write("hosts/c1m-server/doctor.json", doctor("server", 1000000))
        with open(self.scratch.host("c1m-client-1", "client.log"), "a") as handle:
            handle.write("2026-11-21T11:40:00.000Z WARN  io.netty - connect(..) failed: Cannot assign requested address\n")
        summary, html, md = self.built()
        hosts = summary["doctor"]["hosts"]
        self.assertEqual(set(hosts), {"c1m-server", "c1m-client-1", "c1m-client-2", "c1m-client-3"})
        self.assertEqual((hosts["c1m-client-1"]["ok"], hosts["c1m-client-1"]["warn"], hosts["c1m-client-1"]["fail"]),
                         (1, 1, 1))
        self.assertEqual([c["status"] for c in hosts["c1m-client-1"]["findings"]], ["FAIL", "WARN"])
        self.assertEqual(summary["doctor"]["fail_total"], 3)
        finding = next(f for f in summary["findings"] if f["kind"] == "EADDRNOTAVAIL")
        self.assertIn("doctor on c1m-client-1 before the run: 5-tuple FAIL - found 282,320 = 20 server port(s) x 1 "
                      "source address(es) x 14,116 (half of ip_local_port_range 32768-60999, Linux's default), needs "
                      ">= 333,334 (this client's share) - fix: sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\"",
                      finding["detail"])
        self.assertTrue(any(d.startswith("c1m-client-1 log (2 line(s) like it): ") and "Cannot assign" in d
                            for d in finding["detail"]), finding["detail"])
        self.assertIn('id="doctor"', html)
        self.assertIn("<code>5-tuple</code>", html)
        self.assertIn("## The doctor before the run", md)
        self.assertIn("| c1m-client-2 | 5-tuple | FAIL | 282,320 = 20 server port(s)", md)
        self.assertIn("c1m-server (server, 1,000,000 connections): 1 OK, 1 WARN, 0 FAIL", md)

    def test_a_scenario_is_named_with_its_wall_and_fix(self):
        def scenario(run):
            run.update(scenario="port-range", label="lxc", preflight_enforced=False,
                       scenario_info={"name": "port-range", "left_at": "net.ipv4.ip_local_port_range 32768 60999",
                                      "wall": "Cannot assign requested address (EADDRNOTAVAIL)",
                                      "expect": ["EADDRNOTAVAIL"], "doctor_checks": ["5-tuple"],
                                      "fix": "widen net.ipv4.ip_local_port_range", "description": "one port"},
                       scenario_result={"wall_hit": True, "hit": ["EADDRNOTAVAIL"],
                                        "text": "port-range: hit its wall as expected: EADDRNOTAVAIL "
                                                "(Cannot assign requested address)"})
        self.scratch.edit_json("run.json", scenario)
        summary, html, md = self.built()
        self.assertEqual(summary["scenario"]["name"], "port-range")
        self.assertTrue(summary["scenario"]["wall_hit"])
        self.assertEqual(summary["run"]["label"], "lxc")
        self.assertIn('id="scenario"', html)
        self.assertIn("port-range: hit its wall as expected", html)
        self.assertIn("## Scenario: port-range", md)
        self.assertIn("- Fix: widen net.ipv4.ip_local_port_range", md)
        self.assertIn("| scenario | port-range (lxc) |", md)

    def test_the_first_failure_line_and_epoll_enospc(self):
        def other(summary):
            summary["failed"]["OTHER"] = 7
            summary["failed_total"] += 7
        self.scratch.edit_json("hosts/c1m-client-2/client-summary.json", other)
        with open(self.scratch.host("c1m-client-2", "client.log"), "a") as handle:
            handle.write("2026-11-21T11:40:00.000Z WARN  [loop] Ramp - First OTHER connecting to /192.168.56.10:9003: "
                         "epoll_ctl(..) failed with error(-28): No space left on device. Another error. Fix: read it\n")
        summary, _, md = self.built()
        finding = next(f for f in summary["findings"] if f["kind"] == "OTHER")
        self.assertIn("first seen on c1m-client-2: First OTHER connecting to /192.168.56.10:9003: epoll_ctl(..) failed "
                      "with error(-28): No space left on device. Another error.", finding["detail"])
        self.assertTrue(any("fs.epoll.max_user_watches" in d for d in finding["detail"]), finding["detail"])
        self.assertIn("fs.epoll.max_user_watches", md)

    def test_the_doctors_rows_back_lost_and_dead_connections_fails_and_warnings(self):
        scratch = ScratchRun("lost-connections")
        self.addCleanup(scratch.cleanup)
        memory = {"name": "memory", "status": "FAIL", "found": "1.0 GiB", "needed": ">= 1.6 GiB",
                  "fix": "more RAM, or a smaller share"}
        heap = {"name": "heap", "status": "WARN", "found": "-Xmx512m", "needed": ">= 541 MiB", "fix": "-"}
        with open(scratch.host("c1m-server", "doctor.json"), "w") as handle:
            json.dump(doctor("server", 300000, memory, heap), handle)
        summary, _ = build(scratch.path)
        with open(os.path.join(scratch.path, "report.html")) as handle:
            html = handle.read()
        lost = next(f for f in summary["findings"] if f["kind"] == "lost")
        doctor_lines = [d for d in lost["detail"] if d.startswith("doctor on ")]
        self.assertEqual(doctor_lines, [
            "doctor on c1m-server before the run: memory FAIL - found 1.0 GiB, needs >= 1.6 GiB - fix: more RAM, or "
            "a smaller share",
            "doctor on c1m-server before the run: heap WARN - found -Xmx512m, needs >= 541 MiB",
            "doctor on c1m-server before the run: tcp_mem WARN - found hidden in a network namespace, needs max >= 1 "
            "page a socket - fix: check it on the host"])
        # The verdict is the doctor's table; the settings beside it are values only.
        self.assertIn('<td><span class="pill short">FAIL</span></td>', html)
        settings = html[html.index('<section id="settings">'):]
        settings = settings[:settings.index("</section>")]
        self.assertNotIn("pill", settings)
        self.assertNotIn("FAIL", settings)

    def test_a_broken_doctor_json_is_a_problem_not_a_crash(self):
        self.write("hosts/c1m-client-1/doctor.json", "{not json")
        self.write("hosts/c1m-client-2/doctor.json", {"role": "client"})
        summary, _, _ = self.built()
        self.assertEqual(summary["doctor"]["hosts"], {})
        self.assertTrue(any("c1m-client-1/doctor.json is not valid JSON" in p for p in summary["problems"]),
                        summary["problems"])
        self.assertTrue(any("c1m-client-2/doctor.json has no list of checks" in p for p in summary["problems"]),
                        summary["problems"])


if __name__ == "__main__":
    unittest.main()
