"""Faults: lost and reconnected connections, outages, the reconnect storm, the listen queue and the restart
scenario's verdict (c1mlab.faults), and how the report shows them."""
import os
import unittest

import helpers  # noqa: F401  (puts report/ on the path)
from c1mlab import faults

NETSTAT = ("TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 %d %d\n"
           "IpExt: InNoRoutes\nIpExt: 0\n")


def _client(lost, reconnected, recovery=None, outages=(), errors=None, reconnect=True):
    return {"lost": lost, "reconnected": reconnected, "unrecovered": lost - reconnected, "down": lost - reconnected,
            "outage_count": len(outages), "outages": list(outages), "recovery_seconds": recovery,
            "reconnect": reconnect, "reconnect_errors": dict({"ECONNREFUSED": 0}, **(errors or {})),
            "hold_completed": True}


class Fold(unittest.TestCase):
    def test_every_lost_connection_back_is_a_recovered_restart_timed_by_the_slowest_client(self):
        clients = {"c1": _client(5000, 5000, 4.2, [{"start": "2026-12-01T10:00:01.000Z", "ongoing": False}],
                                 {"ECONNREFUSED": 900}),
                   "c2": _client(5000, 5000, 6.5, [{"start": "2026-12-01T10:00:01.010Z", "ongoing": False}],
                                 {"ECONNREFUSED": 1100})}
        f = faults.fold(clients)
        self.assertEqual((f["lost"], f["reconnected"], f["unrecovered"]), (10000, 10000, 0))
        self.assertEqual(f["reconnect_errors"], {"ECONNREFUSED": 2000})
        self.assertEqual(f["recovery_seconds"], 6.5)
        self.assertEqual([o["host"] for o in f["outages"]], ["c1", "c2"])
        line = faults.line(f)
        self.assertIn("faults lost 10,000, reconnected 10,000, down 0 (failed reconnects: ECONNREFUSED 2,000)", line)
        self.assertIn("every lost connection back after 6.5 s", line)
        result = faults.restart_result({"name": "restart"}, clients, "reached_with_losses")
        self.assertTrue(result["wall_hit"] and result["recovered"], result)
        self.assertIn("every lost connection came back: 10,000 lost, 10,000 reconnected", result["text"])

    def test_connections_still_down_fail_the_restart_and_have_no_recovery_time(self):
        clients = {"c1": _client(5000, 4200, None, [{"start": "x", "ongoing": True}]), "c2": _client(5000, 5000, 3.0)}
        f = faults.fold(clients)
        self.assertIsNone(f["recovery_seconds"])
        self.assertIn("outages 1 (going on)", faults.line(f))
        result = faults.restart_result({"name": "restart"}, clients, "reached_with_losses")
        self.assertFalse(result["wall_hit"])
        self.assertIn("NOT every lost connection came back", result["text"])
        self.assertIn("800 still down", result["text"])

    def test_a_restart_that_lost_nothing_did_not_happen(self):
        result = faults.restart_result({"name": "restart"}, {"c1": _client(0, 0)}, "reached")
        self.assertFalse(result["wall_hit"])
        self.assertIn("lost no connection", result["text"])

    def test_a_clean_run_has_no_faults_line_and_a_frozen_server_has_one(self):
        self.assertEqual(faults.line(faults.fold({"c1": _client(0, 0)})), "")
        silent = _client(0, 0, None, [{"start": "x", "ongoing": False, "dead": 2000, "connections": 2000}])
        self.assertIn("outages 1", faults.line(faults.fold({"c1": silent})))

    def test_an_older_client_summary_without_the_fault_fields(self):
        f = faults.fold({"c1": {"lost": 3, "dead": 0}})
        self.assertEqual((f["lost"], f["reconnected"], f["unrecovered"], f["outage_count"]), (3, 0, 3, 0))


class FollowLoop(unittest.TestCase):
    def test_the_server_is_restarted_once_after_its_delay_into_the_hold(self):
        info = {"restart": {"after": "5s", "down": "3s", "signal": "KILL"}}
        holding = {"phase": "holding", "reached_after_s": 10.0}
        self.assertFalse(faults.restart_next(holding, info, 14.0)["restart_due"])
        self.assertTrue(faults.restart_next(holding, info, 15.2)["restart_due"])
        self.assertFalse(faults.restart_next(dict(holding, restarted=True), info, 30)["restart_due"])
        self.assertFalse(faults.restart_next({"phase": "ramping"}, info, 30)["restart_due"])
        self.assertFalse(faults.restart_next(holding, {"name": "baseline"}, 30)["restart_due"])

    def test_the_restart_is_timed_from_the_clients_own_reach_not_from_the_read_that_saw_it(self):
        # Clients started at 1000.0 and reached at 1003.5; the read that saw it came at 16.9 s (CI: 14 s a read).
        info = {"restart": {"after": "5s", "down": "3s", "signal": "KILL"}}
        holding = {"phase": "holding", "reached_after_s": 16.9, "reached_at": "1970-01-01T00:16:43.500Z"}
        due = faults.restart_next(holding, info, 16.9, 1000.0)
        self.assertTrue(due["restart_due"], due)
        early = faults.restart_next(holding, info, 6.0, 1000.0)
        self.assertFalse(early["restart_due"])
        self.assertEqual(early["restart_in_s"], 2.5)
        # Without the clients' time (an older jar), the read's time.
        self.assertFalse(faults.restart_next(dict(holding, reached_at=None), info, 16.9, 1000.0)["restart_due"])
        self.assertIsNone(faults.restart_next(dict(holding, restarted=True), info, 30, 1000.0)["restart_in_s"])

    def test_a_hold_that_ended_before_the_restarted_server_listened_is_named_as_too_short(self):
        client = dict(_client(5000, 2000, None, [{"start": "x", "ongoing": True}]),
                      reached_at="1970-01-01T00:16:43.500Z", hold_ms=40000)
        late = faults.restart_result({"name": "restart"}, {"c1": client}, "reached_with_losses",
                                     {"listening_at": 1048.0})
        self.assertFalse(late["recovered"])
        self.assertIn("the hold ended 4.5 s before the restarted server listened again", late["text"])
        self.assertIn("a longer c1m_hold", late["text"])
        window = faults.restart_result({"name": "restart"}, {"c1": client}, "reached_with_losses",
                                       {"listening_at": 1020.0})
        self.assertIn("in the 23.5 s between the restarted server listening again and the hold's end", window["text"])


class ServerCounters(unittest.TestCase):
    def test_listen_queue_overflows_since_the_restart(self):
        self.assertEqual(faults.listen_queue(NETSTAT % (130, 135), NETSTAT % (100, 100)),
                         {"since": "restart", "ListenOverflows": 30, "ListenDrops": 35})
        self.assertEqual(faults.listen_queue(NETSTAT % (7, 8))["since"], "boot")
        self.assertIsNone(faults.listen_queue(""))

    def test_the_storm_rate_is_the_clients_reconnects_a_second_together(self):
        csv_rows = lambda values: [{"time": "2026-12-01T10:00:0%d.5Z" % i, "reconnected": v} for i, v in enumerate(values)]
        report_rows = lambda values: [{"t": 1796000000.5 + i, "reconnected": v} for i, v in enumerate(values)]
        for rows in (csv_rows, report_rows):
            storm = faults.storm({"c1": rows([0, 0, 1200, 3000, 3000]), "c2": rows([0, 0, 800, 2500, 3000]),
                                  "old": [{"t": 1796000000.5, "open": 1}]})
            self.assertEqual(storm, {"peak_per_s": 3500, "seconds": 3})


class Report(unittest.TestCase):
    def test_a_restart_run_shows_its_verdict_its_storm_and_its_outages(self):
        scratch = helpers.ScratchRun("lost-connections")
        self.addCleanup(scratch.cleanup)

        def restarted(summary):
            lost = summary.get("lost") or 0
            summary.update(reconnect=True, reconnected=lost, unrecovered=0, down=0, outage_count=1,
                           recovery_seconds=4.5, reconnect_errors={"ECONNREFUSED": 321},
                           outages=[{"start": "2026-12-01T10:00:01.000Z", "end": "2026-12-01T10:00:05.500Z",
                                     "seconds": 4.5, "ongoing": False, "connections": lost, "dead": 0,
                                     "recovered": 0, "lost": lost, "reconnected": lost, "recovery_seconds": 4.5}])
        clients = sorted(h for h in os.listdir(os.path.join(scratch.path, "hosts")) if "client" in h)
        for host in clients:
            scratch.edit_json(os.path.join("hosts", host, "client-summary.json"), restarted)
        with open(scratch.host("c1m-server", "netstat.txt"), "w") as handle:
            handle.write(NETSTAT % (142, 150))
        with open(scratch.host("c1m-server", "netstat-before-restart.txt"), "w") as handle:
            handle.write(NETSTAT % (100, 100))
        scratch.edit_json("run.json", lambda run: run.update(
            scenario="restart", scenario_info={"name": "restart", "description": "the server is killed", "expect": [],
                                               "restart": {"after": "5s", "down": "3s", "signal": "KILL"}},
            scenario_result={"name": "restart", "wall_hit": True, "recovered": True,
                             "text": "restart: every lost connection came back",
                             "restart": {"killed_at": 100.0, "listening_at": 104.0}}))
        from c1mreport.build import build
        summary, _ = build(scratch.path)
        f = summary["faults"]
        self.assertEqual(f["unrecovered"], 0)
        self.assertEqual(f["listen_queue"], {"since": "restart", "ListenOverflows": 42, "ListenDrops": 50})
        self.assertTrue(summary["scenario"]["restart"] and summary["scenario"]["wall_hit"])
        with open(os.path.join(scratch.path, "report.md")) as handle:
            md = handle.read()
        self.assertIn("## Scenario: restart", md)
        self.assertIn("## Faults: outages, lost and reconnected connections", md)
        self.assertIn("4.5 s from the first loss to every lost connection open again", md)
        self.assertIn("ListenOverflows 42, ListenDrops 50 (since the restart)", md)
        self.assertIn("ECONNREFUSED 963", md)  # 321 on each of the three clients
        self.assertIn("listening again 4.0 s after the kill", md)
        with open(os.path.join(scratch.path, "report.html")) as handle:
            html = handle.read()
        self.assertIn('id="faults"', html)
        self.assertIn("every one, 4.5 s after the first loss", html)


if __name__ == "__main__":
    unittest.main()
