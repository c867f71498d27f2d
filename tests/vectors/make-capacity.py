#!/usr/bin/env python3
"""Writes tests/vectors/capacity.json from report/c1mlab/capacity.py: the cases the Java side
(CapacityVectorsTest) must compute the same. Run it only when a rule in rules.properties changes, and
read the diff: each changed number is a behaviour change of the doctor, the roles and the report."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "report"))
from c1mlab import capacity as c  # noqa: E402

cases = {"descriptors_needed": [], "heap": [], "memory_estimate": [], "five_tuple": [], "conntrack_full": [],
         "heartbeat_load": [], "usable_memory": [], "ramp": [],
         "tables": []}
for s in (0, 15000, 19744, 333334, 1000000, 10000000):
    cases["descriptors_needed"].append({"sockets": s, "out": c.descriptors_needed(s)})
for n in (0, 5000, 15000, 333334, 1000000, 10000000):
    cases["heap"].append({"connections": n, "bytes": c.heap_bytes(n), "mb": c.heap_mb(n)})
for s, n, t in ((15000, 15000, 0), (1000020, 1000000, 1000000), (333334, 333334, 0), (10000020, 10000000, 0)):
    cases["memory_estimate"].append({"sockets": s, "connections": n, "tracked": t, "out": c.memory_estimate(s, n, t)})
for r, p, a, n in ((28232, 1, 1, 14116), (28232, 1, 1, 14117), (28232, 1, 1, 28232), (28232, 1, 1, 28233),
                   (28232, 20, 1, 333334), (64512, 20, 1, 333334), (28232, 1, 1, 12000), (28232, 1, 1, 13000),
                   (64512, 20, 4, 10000000), (28232, 20, 1, 0)):
    cases["five_tuple"].append({"range": r, "server_ports": p, "source_addresses": a, "connections": n,
                                "out": c.five_tuple(r, p, a, n)})
for cnt, mx in ((0, 0), (980, 1000), (979, 1000), (262144, 262144)):
    cases["conntrack_full"].append({"count": cnt, "max": mx, "out": c.conntrack_full(cnt, mx)})
for n, hb, cpus in ((333334, 1, 2), (333334, 30, 2), (19700, 1, 1), (40000, 1, 2)):
    cases["heartbeat_load"].append({"connections": n, "heartbeat_seconds": hb, "cpus": cpus,
                                    "out": c.heartbeat_load(n, hb, cpus)})
for m in (0, 4 << 30, 6 << 30, 64 << 30):
    cases["usable_memory"].append({"memory_bytes": m, "out": c.usable_memory_bytes(m)})
for share, cpus, paced in ((5000, 2, 0), (500000, 2, 0), (333334, 2, 20000), (333334, 8, 0), (625000, 8, 1000000)):
    cases["ramp"].append({"share": share, "cpus": cpus, "paced": paced, "rate": c.connect_rate(cpus, paced),
                          "seconds": c.ramp_seconds(share, cpus, paced)})
for n, ports, rate, memory in ((15000, 20, 11000, 6 << 30), (1000000, 20, 72000, 6 << 30),
                              (10000000, 20, 408000, 64 << 30), (333334, 1, 0, 4 << 30), (9999999, 7, 12345, 0)):
    cases["tables"].append({"connections": n, "ports": ports, "rate": rate, "memory_bytes": memory,
                            "margin": c.table_margin(n), "buckets_needed": c.conntrack_buckets_needed(n),
                            "buckets_suggested": c.conntrack_buckets_suggested(n + c.table_margin(n)),
                            "listen_queue": c.listen_queue_per_port(rate, ports),
                            "tcp_mem_pages": c.tcp_mem_pages(n + ports, memory, 4096)})
doc = {"about": "Cases the Java (lab.c1m.common.capacity) and Python (report/c1mlab/capacity.py) computations of"
                " the rules in rules.properties must both give. Regenerate only when a rule changes:"
                " python3 tests/vectors/make-capacity.py", **cases}
with open(os.path.join(HERE, "capacity.json"), "w") as out:
    json.dump(doc, out, indent=1)
    out.write("\n")
