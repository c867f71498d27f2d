#!/usr/bin/env python3
"""Loopback benchmark of c1m-server and c1m-client: how many connections, how fast, and what each costs.

Starts the server and the client jars on 127.0.0.1 at the largest count this machine allows (each
process must stay under its open-files limit), holds the connections with heartbeats, and prints one
table: ramp time and rate, retained heap per connection after a full GC (jcmd GC.class_histogram),
process RSS per connection, kernel socket memory per connection and heartbeat round-trip percentiles.

Usage: python3 java/bench/benchmark.py [--connections N] [--hold-seconds S] [--json FILE] [--top N]
Needs a JDK (jcmd) and the jars: java/mvnw -f java/pom.xml -DskipTests package
"""
import argparse
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER_JAR = ROOT / "server" / "target" / "c1m-server.jar"
CLIENT_JAR = ROOT / "client" / "target" / "c1m-client.jar"
# The JVM options the lab's roles use (see docs/performance.md for why).
DEFAULT_JVM = "-XX:+UseSerialGC -Xss256k -XX:+AlwaysPreTouch -XX:-UsePerfData"
FD_RESERVE = 300  # descriptors the JVM itself uses besides the sockets
PROBE = 1000  # connections of the warm-up client, whose heap is the client's baseline


def fail(message):
    print(f"benchmark: {message}", file=sys.stderr)
    sys.exit(2)


def free_port_run(count):
    for base in range(21000, 30000, 37):
        ok = True
        for p in range(base, base + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    fail("no free run of ports between 21000 and 30000")


def rss_bytes(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def live_heap(pid, top):
    """Bytes of live objects after the full GC that GC.class_histogram triggers, and the top classes."""
    out = subprocess.run([JCMD, str(pid), "GC.class_histogram"], capture_output=True, text=True, check=True).stdout
    total = 0
    classes = []
    for line in out.splitlines():
        m = re.match(r"\s*(\d+):\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            classes.append((int(m.group(3)), int(m.group(2)), m.group(4)))
        t = re.match(r"Total\s+(\d+)\s+(\d+)", line)
        if t:
            total = int(t.group(2))
    return total, classes[:top], {c[2]: (c[0], c[1]) for c in classes}


def kernel_tcp_pages():
    """Pages of TCP socket memory in use on the host (the 'mem' field of /proc/net/sockstat)."""
    try:
        text = Path("/proc/net/sockstat").read_text()
    except OSError:
        return None
    m = re.search(r"TCP: inuse (\d+) .* mem (\d+)", text)
    return int(m.group(2)) if m else None


def slab_bytes():
    """Bytes in the socket slabs, where /proc/slabinfo is readable (root on a real kernel)."""
    try:
        lines = Path("/proc/slabinfo").read_text().splitlines()
    except OSError:
        return None
    total = 0
    for line in lines:
        f = line.split()
        if f and f[0] in ("TCP", "TCPv6", "sock_inode_cache", "dentry", "filp", "eventpoll_epi", "eventpoll_pwq",
                          "request_sock_TCP", "nf_conntrack", "skbuff_head_cache", "kmalloc-256", "kmalloc-192"):
            total += int(f[1]) * int(f[3])
    return total or None


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    fail(f"timed out after {seconds} s waiting for {what}")


def read_json(path):
    return json.loads(Path(path).read_text())


JAVA = "java"
JCMD = "jcmd"


def start(jar, jvm, args, log):
    cmd = [JAVA, *jvm.split(), "-jar", str(jar), *args]
    return subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def stop(proc, timeout=60):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.returncode


def main():
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    cap = hard - FD_RESERVE if hard != resource.RLIM_INFINITY else 1_000_000
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--connections", type=int, default=0,
                   help=f"connections to hold (default: the most this machine allows, {cap:,} with hard nofile {hard})")
    p.add_argument("--ports", type=int, default=20, help="server ports (default 20)")
    p.add_argument("--heartbeat", default="1s", help="heartbeat interval (default 1s)")
    p.add_argument("--transport", default="epoll", choices=["epoll", "io_uring", "nio"],
                   help="transport of both jars (default epoll)")
    p.add_argument("--hold-seconds", type=int, default=15, help="hold before measuring (default 15)")
    p.add_argument("--server-jvm", default=DEFAULT_JVM + " -Xmx512m", help="server JVM options")
    p.add_argument("--client-jvm", default=DEFAULT_JVM + " -Xmx512m", help="client JVM options")
    p.add_argument("--top", type=int, default=0, help="also print the top N classes of each histogram")
    p.add_argument("--json", help="write the results here as JSON too")
    p.add_argument("--java-home", help="JDK to run both jars and jcmd with (default: java and jcmd on PATH)")
    a = p.parse_args()
    global JAVA, JCMD
    if a.java_home:
        JAVA, JCMD = str(Path(a.java_home) / "bin" / "java"), str(Path(a.java_home) / "bin" / "jcmd")
    n = a.connections or cap
    if n > cap:
        fail(f"{n:,} connections need more than the open-files hard limit {hard:,} allows per process; at most {cap:,}")
    for jar in (SERVER_JAR, CLIENT_JAR):
        if not jar.exists():
            fail(f"{jar} is missing: build it with java/mvnw -f java/pom.xml -DskipTests package")
    if subprocess.run(["which", JCMD], capture_output=True).returncode != 0:
        fail("jcmd is missing: install a JDK (openjdk-17-jdk-headless)")

    work = Path(tempfile.mkdtemp(prefix="c1m-bench-"))
    base = free_port_run(a.ports + 1)
    ports = f"{base}-{base + a.ports - 1}"
    metrics = base + a.ports
    server = start(SERVER_JAR, a.server_jvm, ["--bind", "127.0.0.1", "--ports", ports, "--metrics-port", str(metrics),
                                              "--transport", a.transport,
                                              "--summary", str(work / "server.json"), "--progress-every", "0"],
                   work / "server.log")
    client = None
    try:
        wait_for(lambda: b"running" in urllib.request.urlopen(f"http://127.0.0.1:{metrics}/status").read(), 30,
                 "the server")
        # Warm-up and baselines: a probe client holds PROBE connections so both JVMs load their classes,
        # compile their hot paths and fill their pools; what each side costs per connection is then the
        # slope between the probe's count and the full count, not one-time start-up costs spread over N.
        probe = start(CLIENT_JAR, a.client_jvm, ["--server", "127.0.0.1", "--ports", ports, "--connections", str(PROBE),
                                                 "--transport", a.transport,
                                                 "--hold", "0", "--heartbeat", a.heartbeat, "--progress-every", "0",
                                                 "--summary", str(work / "probe.json")], work / "probe.log")
        wait_for(lambda: read_json(work / "probe.json")["state"] == "holding", 60, "the warm-up client")
        time.sleep(max(3, a.hold_seconds // 3))
        client_heap0, _, client_classes0 = live_heap(probe.pid, 0)
        client_rss0 = rss_bytes(probe.pid)
        stop(probe)
        wait_for(lambda: read_json(work / "server.json")["open"] == 0, 60, "the warm-up connections to close")
        time.sleep(1.5)
        server_heap0, _, server_classes0 = live_heap(server.pid, 0)
        server_rss0 = rss_bytes(server.pid)
        kernel0, slab0 = kernel_tcp_pages(), slab_bytes()

        client = start(CLIENT_JAR, a.client_jvm, ["--server", "127.0.0.1", "--ports", ports, "--connections", str(n),
                                                  "--transport", a.transport,
                                                  "--hold", "0", "--heartbeat", a.heartbeat, "--progress-every", "0",
                                                  "--summary", str(work / "client.json")], work / "client.log")
        wait_for(lambda: read_json(work / "client.json")["state"] in ("holding", "done"), 600, "the ramp")
        ramp = read_json(work / "client.json")
        if ramp["state"] != "holding":
            fail(f"the client stopped: {ramp.get('exit_reason')} (log: {work / 'client.log'})")
        time.sleep(a.hold_seconds)
        # Round trips before the heap measurements: their full GCs pause both JVMs for a moment.
        steady = read_json(work / "client.json")
        kernel1, slab1 = kernel_tcp_pages(), slab_bytes()
        server_heap1, server_top, server_classes1 = live_heap(server.pid, a.top)
        client_heap1, client_top, client_classes1 = live_heap(client.pid, a.top)
        server_rss1, client_rss1 = rss_bytes(server.pid), rss_bytes(client.pid)
        server_open = read_json(work / "server.json")["open"]
        stop(client)
        final = read_json(work / "client.json")
    finally:
        if client:
            stop(client)
        stop(server)

    hb = steady["heartbeat"]
    results = {
        "connections": n,
        "held": server_open,
        "ramp_seconds": round(ramp["ramp_seconds"], 2),
        "connect_rate_per_s": round(ramp["connect_rate_per_s"]),
        "server_heap_bytes_per_conn": round((server_heap1 - server_heap0) / n),
        "server_rss_bytes_per_conn": round((server_rss1 - server_rss0) / n),
        "client_heap_bytes_per_conn": round((client_heap1 - client_heap0) / (n - PROBE)),
        "client_rss_bytes_per_conn": round((client_rss1 - client_rss0) / (n - PROBE)),
        "kernel_tcp_bytes_per_socket": round((kernel1 - kernel0) * 4096 / (2 * n)) if kernel0 is not None else None,
        "slab_bytes_per_socket": round((slab1 - slab0) / (2 * n)) if slab0 is not None else None,
        "heartbeats_sent": hb["sent"],
        "heartbeats_received": hb["received"],
        "rtt_p50_ms": hb["p50_ms"], "rtt_p90_ms": hb["p90_ms"], "rtt_p99_ms": hb["p99_ms"],
        "rtt_p999_ms": hb["p999_ms"], "rtt_max_ms": hb["max_ms"],
        "lost": final["lost"], "dead": final["dead"],
        "server_jvm": a.server_jvm, "client_jvm": a.client_jvm, "heartbeat": a.heartbeat,
        "java": final["jvm"]["version"], "netty": final["netty_version"], "cpus": os.cpu_count(),
        "transport": final.get("transport"),
    }
    print_table(results)
    if a.top:
        print_top("server", server_top, server_classes0, n)
        print_top("client", client_top, client_classes0, n - PROBE)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nlogs and summaries: {work}")
    return 0 if server_open == n and final["lost"] == 0 else 1


def print_table(r):
    rows = [
        ("connections held (server count)", f"{r['held']:,} of {r['connections']:,}"),
        ("ramp time", f"{r['ramp_seconds']} s"),
        ("connect rate", f"{r['connect_rate_per_s']:,}/s"),
        ("server retained heap per connection", f"{r['server_heap_bytes_per_conn']:,} B"),
        ("server RSS per connection", f"{r['server_rss_bytes_per_conn']:,} B"),
        ("client retained heap per connection", f"{r['client_heap_bytes_per_conn']:,} B"),
        ("client RSS per connection", f"{r['client_rss_bytes_per_conn']:,} B"),
        ("kernel TCP buffer memory per socket", "n/a" if r["kernel_tcp_bytes_per_socket"] is None
         else f"{r['kernel_tcp_bytes_per_socket']:,} B"),
        ("kernel slab memory per socket", "n/a (no /proc/slabinfo)" if r["slab_bytes_per_socket"] is None
         else f"{r['slab_bytes_per_socket']:,} B"),
        ("heartbeats sent / echoed", f"{r['heartbeats_sent']:,} / {r['heartbeats_received']:,} (every {r['heartbeat']})"),
        ("heartbeat RTT p50 / p90 / p99 / p99.9 / max",
         " / ".join(f"{r[k]} ms" for k in ("rtt_p50_ms", "rtt_p90_ms", "rtt_p99_ms", "rtt_p999_ms", "rtt_max_ms"))),
        ("lost / dead", f"{r['lost']} / {r['dead']}"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"\n| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v} |")
    print(f"\nJava {r['java']}, Netty {r['netty']}, {r['transport']}, {r['cpus']} CPUs; server JVM: {r['server_jvm']}")


def print_top(role, top, before, n):
    print(f"\nTop classes of the {role} heap: bytes and objects per connection, over {n:,} connections beyond the baseline:")
    for size, count, name in top:
        b_size, b_count = before.get(name, (0, 0))
        print(f"  {(size - b_size) / n:8.1f} B  {(count - b_count) / n:6.2f}  {name}")


if __name__ == "__main__":
    sys.exit(main())
