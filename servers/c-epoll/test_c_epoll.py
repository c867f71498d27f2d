#!/usr/bin/env python3
"""The c-epoll server, tested for real: built with cc (-Werror), run on loopback ports, held with thousands
of sockets, echoing, stopped with SIGTERM, refused bad input, pushed to its open-files wall, and driven by
the lab's own Java client; its summary and timeline are read by the report's own readers (report/c1mlab,
report/c1mreport), so a field the lab cannot read fails here, not in a run.

Run: python3 servers/c-epoll/test_c_epoll.py   (standard library only; the Java client test needs the
jars: cd java && ./mvnw -q -o -DskipTests package, and is skipped with the reason when they are missing,
or fails with C1M_CEPOLL_REQUIRE_CLIENT=1 as tests/run-all.sh sets it). About 15 s.
"""
import json
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCE = HERE / "c1m-epoll-server.c"
CLIENT_JAR = ROOT / "java" / "client" / "target" / "c1m-client.jar"
VECTORS = ROOT / "tests" / "vectors" / "notation.json"
sys.path.insert(0, str(ROOT / "report"))
from c1mlab import summaries  # noqa: E402
from c1mreport import parsers  # noqa: E402

CFLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror"]
HELD = 2000  # well below this machine's 20,000 descriptors a process


def free_ports(count):
    """Ports nothing listens on now (the kernel's picks, closed again)."""
    holders = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        holders.append(s)
    ports = [s.getsockname()[1] for s in holders]
    for s in holders:
        s.close()
    return ports


def eventually(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (OSError, ValueError, KeyError):
            pass  # a summary being replaced, or not there yet
        time.sleep(0.05)
    raise AssertionError("not within %s s: %s" % (seconds, what))


def recv_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise AssertionError("the server closed after %d of %d bytes" % (len(data), size))
        data += chunk
    return data


class Server:
    """One c1m-epoll-server process in its own folder, killed at the end whatever happens."""

    def __init__(self, binary, folder, ports, extra=(), nofile=None):
        self.folder = Path(folder)
        self.summary = self.folder / "server-summary.json"
        self.timeline = self.folder / "server-timeline.csv"
        self.log = self.folder / "server.log"
        self.ports = ports
        argv = [str(binary), "--bind", "127.0.0.1", "--ports", ",".join(map(str, ports)), "--status-interval", "1s",
                "--summary", str(self.summary), "--timeline", str(self.timeline), "--log-file", str(self.log),
                "--progress-every", "500", *extra]

        def limit():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                        preexec_fn=limit)
        eventually(lambda: self.read()["state"] == "running", 10, "the server's first summary")

    def read(self):
        return json.loads(self.summary.read_text())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(30)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()


class CEpollServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.build = tempfile.TemporaryDirectory(prefix="c1m-cepoll-build-")
        cls.binary = Path(cls.build.name) / "c1m-epoll-server"
        built = subprocess.run(["nice", "cc", *CFLAGS, "-o", str(cls.binary), str(SOURCE)], capture_output=True,
                               text=True)
        if built.returncode != 0:
            raise AssertionError("cc %s failed (a warning is an error):\n%s" % (" ".join(CFLAGS), built.stderr))

    @classmethod
    def tearDownClass(cls):
        cls.build.cleanup()

    def setUp(self):
        self.work = tempfile.TemporaryDirectory(prefix="c1m-cepoll-")
        self.addCleanup(self.work.cleanup)
        self.sockets = []
        self.addCleanup(lambda: [s.close() for s in self.sockets])

    def start(self, count=2, **kwargs):
        server = Server(self.binary, self.work.name, free_ports(count), **kwargs)
        self.addCleanup(server.kill)
        return server

    def connect(self, server, count):
        for i in range(count):
            self.sockets.append(socket.create_connection(("127.0.0.1", server.ports[i % len(server.ports)]), 5))

    def run_bad(self, *args):
        """A refused command line: (exit code, stderr lines), and nothing written beside it."""
        done = subprocess.run([str(self.binary), "--bind", "127.0.0.1", *args], capture_output=True, text=True,
                              timeout=10, cwd=self.work.name)
        return done.returncode, done.stderr.splitlines()

    def test_holds_echoes_and_stops_with_a_final_summary(self):
        server = self.start()
        self.connect(server, HELD)
        eventually(lambda: server.read()["open"] == HELD, 20, "%d connections open" % HELD)
        # Echo, byte for byte, on connections of both ports: the client's 24-byte frames and more.
        for index, sock in enumerate(self.sockets[:: HELD // 10]):
            frame = bytes((index + i) % 256 for i in range(24))
            sock.sendall(frame)
            self.assertEqual(frame, recv_exactly(sock, 24))
        # More than the send and receive buffers hold while the peer does not read: what does not fit waits in
        # the kernel (MSG_PEEK, EPOLLOUT), and every byte still comes back in order.
        big = os.urandom(16 * 1024 * 1024)
        slow = socket.socket()
        self.sockets.append(slow)
        for option in (socket.SO_SNDBUF, socket.SO_RCVBUF):
            slow.setsockopt(socket.SOL_SOCKET, option, 65536)  # fixed: no autotuning to swallow the payload
        slow.connect(("127.0.0.1", server.ports[1]))
        slow.setblocking(False)
        sent = 0
        while sent < len(big):
            try:
                sent += slow.send(big[sent:sent + 65536])
            except BlockingIOError:
                break  # both directions full: the server stopped reading this one
        self.assertLess(sent, len(big), "the buffers took 16 MiB unread: the test proves nothing")
        received = bytearray()
        deadline = time.monotonic() + 20
        while len(received) < len(big) and time.monotonic() < deadline:
            # Never blocked on one direction: the server sends only while this side reads.
            poller = select.poll()
            poller.register(slow, select.POLLIN | (select.POLLOUT if sent < len(big) else 0))
            ready = poller.poll(1000)
            readable = any(event & select.POLLIN for _, event in ready)
            writable = any(event & select.POLLOUT for _, event in ready)
            if readable:
                received += slow.recv(1 << 20)
            if writable:
                try:
                    sent += slow.send(big[sent:sent + 65536])
                except BlockingIOError:
                    pass
        self.assertEqual(len(big), len(received))
        self.assertEqual(big, bytes(received))

        for sock in self.sockets[:500]:
            sock.close()
        slow.close()
        eventually(lambda: server.read()["open"] == HELD - 500, 10, "500 closes counted")
        running = server.read()
        self.assertEqual(("c-epoll", "server", "running", 2), (running["impl"], running["role"], running["state"],
                                                               running["schema"]))
        self.assertEqual((HELD + 1, HELD + 1, 501), (running["peak_open"], running["accepted"], running["closed"]))
        self.assertEqual(HELD - 500, sum(running["per_port_open"].values()))
        self.assertEqual(server.ports, running["ports"])
        self.assertEqual(10 * 24 + len(big), running["bytes_echoed"])
        self.assertGreater(running["rss_bytes_at_peak"], 0)
        self.assertIsNone(running["exit_code"])

        self.assertEqual(0, server.stop(), server.process.stderr.read())
        final = server.read()
        self.assertEqual(("stopped", 0, "stopped by SIGTERM"), (final["state"], final["exit_code"],
                                                                final["exit_reason"]))
        self.assertEqual((0, HELD - 500, HELD + 1), (final["open"], final["open_at_stop"], final["closed"]))
        # The lab's own reader takes every field it knows, with no problem; heap and JVM are absent, not made up.
        checked, problems = summaries.checked(final, "server-summary.json")
        self.assertEqual([], problems)
        self.assertNotIn("heap_used_bytes", final)
        self.assertNotIn("jvm", final)
        self.assertFalse(list(Path(self.work.name).glob("*.tmp")), "a temporary summary was left behind")
        rows, skipped = parsers.read_timeline(server.timeline.read_text())
        self.assertEqual([], skipped)
        self.assertIn(max(row["open"] for row in rows), (HELD, HELD + 1))
        self.assertEqual(0, rows[-1]["open"])
        log = server.log.read_text()
        self.assertIn("Accepted 2,000 connections", log)
        self.assertIn("Stopped; summary %s" % server.summary, log)

    def test_keeps_accepting_at_the_open_files_wall(self):
        # 40 descriptors: 16 for stdio, files, the reserve, epoll, signalfd and a listener, about 24 connections.
        server = self.start(count=1, nofile=40)
        self.connect(server, 60)
        eventually(lambda: server.read()["accept_errors"]["shed"] > 0 and server.read()["open"]
                   + server.read()["accept_errors"]["shed"] == 60, 10, "every connection held or shed at the wall")
        wall = server.read()
        self.assertGreater(wall["open"], 15)
        self.assertEqual(60, wall["open"] + wall["accept_errors"]["shed"])
        self.assertEqual(wall["accept_errors"]["shed"], wall["accept_errors"]["by_kind"]["EMFILE"])
        self.assertEqual(wall["accept_errors"]["shed"], wall["accept_errors"]["count"])
        self.assertIn("accept(..) failed: Too many open files", wall["accept_errors"]["first"])
        # A shed connection hears a close, not silence in the backlog; a held one still echoes.
        closed = 0
        for sock in self.sockets:
            sock.settimeout(0.2)
            try:
                sock.sendall(b"p" * 24)
                if sock.recv(24) == b"":
                    closed += 1
            except (ConnectionResetError, BrokenPipeError):
                closed += 1
            except socket.timeout:
                self.fail("a connection got neither an echo nor a close")
        self.assertEqual(wall["accept_errors"]["shed"], closed)
        # Descriptors free again: accepting works again, no restart.
        for sock in self.sockets:
            sock.close()
        self.sockets.clear()
        eventually(lambda: server.read()["open"] == 0, 10, "every connection closed")
        self.connect(server, 10)
        eventually(lambda: server.read()["open"] == 10, 10, "new connections held after the wall")
        self.assertEqual(0, server.stop())

    def test_bad_input_is_one_line_and_exit_2(self):
        for args, says in ((["--ports", "9000-90x1"], "--ports"), (["--ports", "70000"], "outside 1-65535"),
                           (["--bogus"], "unknown option '--bogus'"), (["--status-interval", "0"], "positive"),
                           (["--backlog", "0"], "--backlog"), (["--bind", "no.such.address"], "--bind"),
                           (["--summary", "missing-folder/s.json"], "create it first")):
            code, lines = self.run_bad(*args)
            self.assertEqual(2, code, args)
            self.assertEqual(1, len(lines), lines)
            self.assertIn(says, lines[0])
        self.assertEqual([], os.listdir(self.work.name), "a refused command line wrote files")

    def test_a_port_in_use_is_exit_1_with_a_summary_as_the_java_server(self):
        # ExitCodes: 1 is the server's "a port could not be bound"; 2 is reserved for bad usage.
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        self.addCleanup(busy.close)
        port = busy.getsockname()[1]
        summary = Path(self.work.name) / "server-summary.json"
        code, lines = self.run_bad("--ports", str(port), "--summary", str(summary))
        self.assertEqual(1, code)
        self.assertEqual(1, len(lines), lines)
        self.assertIn("Address already in use", lines[0])
        self.assertIn("choose other --ports", lines[0])
        written = json.loads(summary.read_text())
        self.assertEqual((1, "stopped"), (written["exit_code"], written["state"]))
        self.assertEqual([], summaries.checked(written, "server-summary.json")[1])

    def test_notation_vectors(self):
        # The lab's shared cases (tests/vectors/notation.json), as the jars and the report read them.
        vectors = json.loads(VECTORS.read_text())
        for group, option, key in (("ports", "--ports", "ports"), ("counts", "--progress-every", "progress_every"),
                                   ("durations", "--status-interval", "status_interval_ms")):
            for case in vectors[group]:
                done = subprocess.run([str(self.binary), "--bind", "127.0.0.1", option, case["in"], "--check-args"],
                                      capture_output=True, text=True, timeout=10)
                refused = case.get("error") or (option == "--status-interval" and case["out"] == 0)
                with self.subTest(option=option, given=case["in"]):
                    if refused:
                        self.assertEqual((2, 1), (done.returncode, len(done.stderr.splitlines())), done.stderr)
                    else:
                        self.assertEqual(0, done.returncode, done.stderr)
                        self.assertEqual(case["out"], json.loads(done.stdout)[key])

    def test_the_lab_client_holds_with_heartbeats(self):
        if not CLIENT_JAR.exists():
            # tests/run-all.sh builds the jars first and asks for this test: there a missing jar is a failure.
            if os.environ.get("C1M_CEPOLL_REQUIRE_CLIENT") == "1":
                self.fail("%s is missing (the java stage builds it)" % CLIENT_JAR)
            self.skipTest("%s is missing: cd java && ./mvnw -q -o -DskipTests package" % CLIENT_JAR)
        server = self.start(count=4)
        summary = Path(self.work.name) / "client-summary.json"
        client = subprocess.run(
            ["nice", "java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-jar", str(CLIENT_JAR),
             "--server", "127.0.0.1", "--ports", ",".join(map(str, server.ports)), "--connections", "1000",
             "--heartbeat", "500ms", "--hold", "3s", "--progress-every", "0", "--summary", str(summary)],
            capture_output=True, text=True, timeout=90)
        result = json.loads(summary.read_text())
        self.assertEqual(0, client.returncode, client.stdout[-2000:] + client.stderr[-2000:])
        self.assertEqual((1000, 0, 0), (result["established"], result["lost"], result["dead"]))
        self.assertGreater(result["heartbeat"]["received"], 1000)
        # At most one heartbeat a connection is in flight when the hold ends and the client closes.
        self.assertLessEqual(result["heartbeat"]["sent"] - result["heartbeat"]["received"], 1000)
        self.assertEqual(1000, server.read()["peak_open"])
        eventually(lambda: server.read()["open"] == 0, 10, "the client's connections closed")
        self.assertEqual(0, server.stop())


if __name__ == "__main__":
    unittest.main()
