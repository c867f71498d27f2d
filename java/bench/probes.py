"""The benchmark's probes: starting and stopping the jars, the C client and the c-epoll server, and what a process or the kernel
holds (RSS, retained heap by jcmd, TCP pages, slab caches). Used by benchmark.py."""
import json
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
C_SOURCE = ROOT / "bench" / "c1m-cclient.c"
C_CLIENT = ROOT / "bench" / "target" / "c1m-cclient"  # target/ is gitignored
C_SERVER_SOURCE = ROOT.parent / "servers" / "c-epoll" / "c1m-epoll-server.c"
C_SERVER = ROOT / "bench" / "target" / "c1m-epoll-server"
JAVA = "java"
JCMD = "jcmd"


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
    for attempt in range(3):  # the attach can time out on a loaded machine
        r = subprocess.run([JCMD, str(pid), "GC.class_histogram"], capture_output=True, text=True)
        if r.returncode == 0:
            break
        time.sleep(1)
    else:
        fail(f"jcmd {pid} GC.class_histogram failed: {(r.stdout + r.stderr).strip()[-300:]}")
    out = r.stdout
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


def start(jar, jvm, args, log, cpu=None):
    cmd = [JAVA, *jvm.split(), "-jar", str(jar), *args]
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu), *cmd]
    return subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def stop(proc, timeout=60):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.returncode


def build_c_client():
    C_CLIENT.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["cc", "-O2", "-o", str(C_CLIENT), str(C_SOURCE)], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"cc -O2 {C_SOURCE} failed:\n{r.stderr}")


def build_c_server():
    """servers/c-epoll's server, with the flags its test builds it with."""
    C_SERVER.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["cc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(C_SERVER),
                        str(C_SERVER_SOURCE)], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"cc {C_SERVER_SOURCE} failed:\n{r.stderr}")


def start_c_server(args, log):
    return subprocess.Popen([str(C_SERVER), *args], stdout=open(log, "w"), stderr=subprocess.STDOUT)


def c_ramp(n, ports):
    """One C client run: opens n connections (20,000 in flight), closes them; its JSON line."""
    r = subprocess.run([str(C_CLIENT), "-n", str(n), "-p", ports], capture_output=True, text=True, timeout=120)
    if not r.stdout.strip():
        fail(f"the C client printed nothing: {r.stderr.strip()}")
    return json.loads(r.stdout)
