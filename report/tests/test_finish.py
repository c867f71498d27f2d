"""`c1m_report.py finish`: the run's end in one command (ansible/tasks/report.yml gives it the playbook's JSON
on stdin). It must write the run.json the playbook wrote before it, judge each scenario kind, say what it
could not read, and refuse bad input in one line."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

from helpers import CLI, REPORT

from c1mlab import verdict

REPO = os.path.dirname(REPORT)
# A real run of the lab's own playbook, recorded with its run.json and hosts/ (docs/runs/).
RECORDED = sorted(glob.glob(os.path.join(REPO, "docs", "runs", "guest-1m-*")))[-1]
SCENARIOS = os.path.join(REPO, "ansible", "scenarios")


def given_from(run, **changes):
    """What ansible/tasks/report.yml would hand over for the run that wrote this run.json."""
    given = {
        "run_id": run["run_id"], "started_at": run["started_at"], "scenario": run["scenario"], "label": run["label"],
        "scenario_info": run["scenario_info"], "target": run["target_connections"], "ports": run["ports_spec"],
        "connect_rate": run["connect_rate"], "max_inflight": run["max_inflight"], "hold": run["hold"],
        "heartbeat": run["heartbeat"], "transport": run["transport"], "clients": run["clients"],
        "server": run["server"],
        # How following ended: a run the playbook stopped kept its outcome and why; else the figures decide.
        "result": {"outcome": run["outcome"] if run["outcome_detail"] else "", "detail": run["outcome_detail"]},
        "follow": {"reached_after_s": run["reached_after_s_seen_by_playbook"]}, "progress": {},
        "doctor_reports": {}, "preflight_problems": run["preflight_problems"],
        "preflight_enforced": run["preflight_enforced"], "controller": run["controller"],
    }
    given.update(changes)
    return given


class Finish(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="c1m-finish-test-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.run_dir = os.path.join(self.root, "run")
        os.makedirs(self.run_dir)
        shutil.copytree(os.path.join(RECORDED, "hosts"), os.path.join(self.run_dir, "hosts"))
        with open(os.path.join(RECORDED, "run.json")) as handle:
            self.recorded = json.load(handle)

    def finish(self, given):
        text = given if isinstance(given, str) else json.dumps(given)
        return subprocess.run([sys.executable, CLI, "finish", self.run_dir], input=text, capture_output=True,
                              text=True, timeout=120)

    def written(self):
        with open(os.path.join(self.run_dir, "run.json")) as handle:
            return json.load(handle)

    def test_it_writes_the_run_json_the_playbook_wrote(self):
        done = self.finish(given_from(self.recorded))
        self.assertIn(done.returncode, (0, 1), done.stderr)
        written = self.written()
        # Keys added since these runs were recorded, each with the value such a run had.
        added = {"protocol": "raw"}
        self.assertEqual(sorted(written), sorted(set(self.recorded) | set(added)))
        for key, value in added.items():
            self.assertEqual(written[key], self.recorded.get(key, value), key)
        for key in self.recorded:
            if key != "finished_at":
                self.assertEqual(written[key], self.recorded[key], key)
        lines = done.stdout.splitlines()
        self.assertTrue(lines[0].startswith("run        %s (scenario baseline" % self.recorded["run_id"]), lines[0])
        self.assertEqual(lines[1], "outcome    " + self.recorded["outcome"] + (
            (" - " + self.recorded["outcome_detail"]) if self.recorded["outcome_detail"] else ""))
        self.assertTrue(os.path.exists(os.path.join(self.run_dir, "report.html")), "the report was built")
        self.assertIn("report     " + os.path.join(self.run_dir, "report.html"), lines)
        # Exit 0 only for a baseline that reached and held its target.
        self.assertEqual(done.returncode, 0 if self.recorded["outcome"] == "reached" else 1, lines[-1])

    def test_an_external_server_has_no_host_and_the_clients_judge_the_run(self):
        server = self.recorded["server"]["hostname"]
        shutil.rmtree(os.path.join(self.run_dir, "hosts", server))
        done = self.finish(given_from(self.recorded, server={"hostname": "", "address": "10.9.9.9", "impl": "external"},
                                      protocol="raw"))
        self.assertIn(done.returncode, (0, 1), done.stderr)
        written = self.written()
        self.assertEqual(written["server"], {"hostname": None, "address": "10.9.9.9", "impl": "external"})
        self.assertEqual(written["outcome"], self.recorded["outcome"], "the clients' summaries decide, as before")
        self.assertNotIn("server-summary.json", done.stdout)

    def test_a_baseline_that_did_not_reach_fails_and_says_why_last(self):
        done = self.finish(given_from(self.recorded, result={"outcome": "not_reached", "detail": "stalled: no new "
                                                                                                "connection for 90s"}))
        self.assertEqual(done.returncode, 1, done.stderr)
        last = done.stdout.splitlines()[-1]
        self.assertEqual(last, "Run %s: not_reached - stalled: no new connection for 90s (see %s)" % (
            self.recorded["run_id"], self.run_dir))
        self.assertEqual(self.written()["outcome"], "not_reached")

    def test_a_wall_scenario_passes_when_it_hits_its_wall(self):
        info = {"name": "nofile", "kind": "wall", "expect": ["EMFILE"], "stall_counts": False,
                "doctor_checks": ["open files (hard)"], "left_at": "LimitNOFILE=1024", "fix": "raise LimitNOFILE"}
        progress = {"kinds": {"EMFILE": {"attempts": 3000, "for_good": 1000, "hosts": ["c1m-client1"]}}}
        done = self.finish(given_from(self.recorded, scenario="nofile", scenario_info=info, progress=progress,
                                      result={"outcome": "not_reached", "detail": "target out of reach"}))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        lines = done.stdout.splitlines()
        self.assertIn("scenario   nofile: hit its wall as expected: EMFILE (Too many open files) (left at: "
                      "LimitNOFILE=1024)", lines)
        self.assertTrue(any(line.startswith("failure    EMFILE (Too many open files) on c1m-client1") for line in lines))
        self.assertIn("fix        raise LimitNOFILE", lines)
        self.assertEqual(lines[-1], "Scenario nofile reproduced its wall (not_reached: target out of reach); report: "
                         "%s/report.html" % self.run_dir)
        # The same scenario without its failure did not hit its wall: the playbook fails.
        done = self.finish(given_from(self.recorded, scenario="nofile", scenario_info=info,
                                      result={"outcome": "not_reached", "detail": "target out of reach"}))
        self.assertEqual(done.returncode, 1)
        self.assertIn("nofile: did NOT hit its wall", done.stdout.splitlines()[-1])

    def test_a_summary_it_cannot_read_is_named_and_left_out(self):
        client = self.recorded["clients"][0]["hostname"]
        with open(os.path.join(self.run_dir, "hosts", client, "client-summary.json"), "w") as handle:
            handle.write("{not json")
        done = self.finish(given_from(self.recorded))
        self.assertEqual(done.returncode, 1, "a run whose client summary is unreadable cannot show it reached")
        self.assertTrue(any(line.startswith("note       %s/client-summary.json is not valid JSON" % client)
                            for line in done.stdout.splitlines()), done.stdout)

    def test_bad_input_is_one_line_and_exit_2(self):
        for text, says in (("[1, 2", "is not JSON"), ("[]", "a JSON object"),
                           (json.dumps({"run_id": "x"}), "the playbook's input lacks started_at")):
            done = self.finish(text)
            self.assertEqual(done.returncode, 2, (text, done.stdout, done.stderr))
            self.assertIn(says, done.stderr)
            self.assertNotIn("Traceback", done.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.run_dir, "run.json")), "bad input writes nothing")


class ScenarioKinds(unittest.TestCase):
    def test_every_scenario_declares_the_kind_its_content_gives(self):
        for path in sorted(glob.glob(os.path.join(SCENARIOS, "*.yml"))):
            with open(path) as handle:
                info = yaml.safe_load(handle)["c1m_scenario_info"]
            declared = info.pop("kind")
            self.assertEqual(declared, verdict.kind(info), "%s: kind %s, but its content reads as %s" % (
                path, declared, verdict.kind(info)))

    def test_each_kind_is_judged_its_own_way(self):
        self.assertTrue(verdict.passed(verdict.BASELINE, "reached", {}))
        self.assertFalse(verdict.passed(verdict.BASELINE, "reached_with_losses", {}))
        self.assertTrue(verdict.passed(verdict.WALL, "not_reached", {"wall_hit": True}))
        self.assertFalse(verdict.passed(verdict.WALL, "reached", {"wall_hit": False}))
        self.assertTrue(verdict.passed(verdict.RESTART, "reached_with_losses", {"recovered": True}))
        self.assertFalse(verdict.passed(verdict.RESTART, "reached", {"recovered": False}))
        with self.assertRaisesRegex(ValueError, "declares kind 'fault'"):
            verdict.kind({"name": "x", "kind": "fault"})


if __name__ == "__main__":
    unittest.main()
