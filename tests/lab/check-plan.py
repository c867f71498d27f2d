#!/usr/bin/env python3
"""The plan the playbook printed before a run (RUN_DIR/plan.json: the jar's `plan --json` for the
inventory, written by ansible/tasks/capacity-plan.yml) against what the run needed (tests/lab/e2e.sh):
the target, clients and shares of run.json; each host's memory as its facts.json says; and on every
host the doctor's needs the same numbers as the plan's: open files, heap, memory and the 5-tuple. A plan
for an external server (impl "external") has no server entry: only the clients are compared.

  check-plan.py RUN_DIR COUNTS_FILE

Prints ok/FAIL lines; writes "passed failed" to COUNTS_FILE.
"""
import os
import sys

from labcheck import Checks, load, read

CHECKS = Checks()
check = CHECKS.check
MIB = 1 << 20


def needed(doctor, name):
    """The NEEDED text of the doctor's check of that name ('' when it has none)."""
    for c in doctor.get("checks") or []:
        if c.get("name") == name:
            return c.get("needed") or ""
    return ""


def found(doctor, name):
    for c in doctor.get("checks") or []:
        if c.get("name") == name:
            return c.get("found") or ""
    return ""


def figure(plan, host, name):
    for f in plan.get("figures") or []:
        if f.get("host") == host and f.get("name") == name:
            return f.get("value") or ""
    return ""


def agree(role, host, doctor, part, plan):
    """The doctor's needs on this host are the plan's for its part."""
    who = "%s %s" % (role, host)
    want = ">= {:,} = ".format(part["descriptors"])
    check("%s: open files needed %s as planned" % (who, want.strip(" =")), needed(doctor, "open files (hard)").startswith(want),
          needed(doctor, "open files (hard)"))
    if "heap_mb" in part:
        want = ">= -Xmx%dm = " % part["heap_mb"]
        check("%s: heap %s as planned" % (who, want.strip(" =")), needed(doctor, "heap").startswith(want), needed(doctor, "heap"))
    else:
        # A server without a JVM (c-epoll, command): neither the plan nor the doctor has a heap to size.
        check("%s: no heap, as planned" % who, not needed(doctor, "heap"), needed(doctor, "heap"))
    memory = figure(plan, role, "memory").split(" needed")[0]
    check("%s: memory needed %s as planned" % (who, memory), bool(memory) and needed(doctor, "memory").startswith(
        ">= %s = " % memory), (memory, needed(doctor, "memory")))
    if role == "client":
        five = part["five_tuple"]
        text = "{:,} per (source address".format(five["per_combination"])
        check("%s: 5-tuple %s as planned" % (who, text), text in needed(doctor, "5-tuple"), needed(doctor, "5-tuple"))
        text = " x {:,} (half of".format(five["slow_at"])
        check("%s: 5-tuple slow at %s as planned" % (who, text.strip()), text in found(doctor, "5-tuple"), found(doctor, "5-tuple"))


def main(run_dir, counts_file):
    def here(path):
        return load(os.path.join(run_dir, path))

    plan = here("plan.json")
    run = here("run.json")
    check("plan.json: these hosts hold the target", plan.get("fits") is True, plan.get("verdict") or plan.get("_error"))
    check("plan.json: the run's target (%s)" % run.get("target_connections"),
          plan.get("connections") == run.get("target_connections"), plan.get("connections"))
    clients = plan.get("clients") or {}
    shares = sorted({c.get("share") for c in run.get("clients", [])})
    check("plan.json: %s clients as run.json" % len(run.get("clients", [])), clients.get("count") == len(run.get("clients", [])),
          clients.get("count"))
    check("plan.json: shares %s as run.json" % shares, sorted(set(clients.get("shares") or [])) == shares, clients.get("shares"))
    server = run.get("server") if isinstance(run.get("server"), str) else (run.get("server") or {}).get("hostname")
    hosts_dir = os.path.join(run_dir, "hosts")
    for host in sorted(os.listdir(hosts_dir)) if os.path.isdir(hosts_dir) else []:
        role = read(os.path.join(hosts_dir, host, "role")).strip()
        part = plan.get("server") if role == "server" else clients
        if role == "server" and plan.get("impl") == "external":
            # The plan has no server entry for a server outside the lab: nothing of it to compare.
            print("      %s: the server is external (outside the lab): not planned, needs not compared" % host)
            continue
        if not part:
            check("%s: plan.json has the %s's part" % (host, role), False)
            continue
        facts = here("hosts/%s/facts.json" % host)
        if role == "client":
            # The plan sizes the smallest client: every client gets the same share.
            check("client %s: at least the planned %d MiB" % (host, part["memory_bytes"] // MIB),
                  facts.get("memory_mb", 0) >= part["memory_bytes"] // MIB, facts.get("memory_mb"))
        else:
            check("server %s: the planned %d MiB" % (host, part["memory_bytes"] // MIB),
                  facts.get("memory_mb") == part["memory_bytes"] // MIB, (facts.get("memory_mb"), server))
        share = next((c.get("share") for c in run.get("clients", []) if (c.get("hostname") or c.get("host")) == host), None)
        if role == "client" and share != part.get("connections"):
            print("      %s holds %s, one less than the plan's largest share: needs not compared" % (host, share))
            continue
        agree(role, host, here("hosts/%s/doctor.json" % host), part, plan)
    return CHECKS.finish("plan", counts_file)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
