"""Parsers for the raw per-host files, including the shapes a failed run leaves."""

import unittest

from c1mreport import parsers


class Parsers(unittest.TestCase):
    def test_sysctl(self):
        text = ("net.ipv4.ip_local_port_range = 1024\t65535\nfs.file-max = 2097152\n"
                "sysctl: permission denied on key 'fs.protected_x'\nnet.ipv4.ip_local_reserved_ports = \n")
        settings = parsers.parse_sysctl(text)
        self.assertEqual(settings["net.ipv4.ip_local_port_range"], "1024 65535")
        self.assertEqual(settings["fs.file-max"], "2097152")
        self.assertEqual(settings["net.ipv4.ip_local_reserved_ports"], "")
        self.assertEqual(len(settings), 3)

    def test_proc_limits(self):
        text = ("Limit                     Soft Limit           Hard Limit           Units\n"
                "Max processes             23871                23871                processes\n"
                "Max open files            1048576              2097152              files\n")
        limits = parsers.parse_limits(text)
        self.assertEqual((limits["nofile_soft"], limits["nofile_hard"]), (1048576, 2097152))
        self.assertEqual(limits["format"], "proc")

    def test_ulimit_a(self):
        limits = parsers.parse_limits("core file size              (blocks, -c) 0\n"
                                      "open files                          (-n) 1024\n")
        self.assertEqual(limits["nofile_soft"], 1024)
        self.assertEqual(parsers.parse_limits("-n: file descriptors               unlimited\n")["nofile_soft"],
                         "unlimited")

    def test_sockstat_with_sockstat6(self):
        stats = parsers.parse_sockstat("sockets: used 1000190\nTCP: inuse 1000002 orphan 0 tw 4 alloc 1000008 mem 2130\n"
                                       "FRAG: inuse 0 memory 0\nTCP6: inuse 3\n")
        self.assertEqual(stats["TCP"]["inuse"], 1000002)
        self.assertEqual(stats["TCP"]["mem"], 2130)
        self.assertEqual(stats["TCP6"]["inuse"], 3)

    def test_meminfo(self):
        info = parsers.parse_meminfo("MemTotal:        6097132 kB\nMemAvailable:    1000 kB\nHugePages_Total:       0\n")
        self.assertEqual(info["MemTotal"], 6097132 * 1024)
        self.assertEqual(info["HugePages_Total"], 0)

    def test_slabinfo(self):
        caches = parsers.parse_slabinfo(
            "slabinfo - version: 2.1\n# name <active_objs> ...\n"
            "TCP                  867520 867540   2432   13    8 : tunables    0    0    0 : slabdata  66734  66734      0\n")
        self.assertEqual(caches["TCP"], {"active_objs": 867520, "num_objs": 867540, "objsize": 2432,
                                         "bytes": 867540 * 2432})
        self.assertEqual(parsers.parse_slabinfo("cat: /proc/slabinfo: Permission denied\n"), {})

    def test_conntrack(self):
        self.assertEqual(parsers.parse_conntrack("15006 262144 65536\n"), {"count": 15006, "max": 262144, "buckets": 65536})
        self.assertIsNone(parsers.parse_conntrack("unavailable\n"))
        self.assertEqual(parsers.parse_conntrack("count 5 max 10")["max"], 10)

    def test_timeline_skips_a_row_cut_short(self):
        rows = parsers.parse_timeline("time,open,accepted\n2026-11-21T18:33:00.123Z,5,5\n"
                                      "2026-11-21T18:33:01.120Z,9,9\n2026-11-21T18:33:02.1")
        self.assertEqual([r["open"] for r in rows], [5, 9])
        self.assertAlmostEqual(rows[1]["t"] - rows[0]["t"], 0.997, places=3)

    def test_timeline_memory_a_process_could_not_read_is_unknown(self):
        # At its open-files limit a jar cannot open /proc/self/status and writes -1.
        rows = parsers.parse_timeline("time,open,rss_bytes,heap_used_bytes\n2026-11-21T18:33:00.123Z,5,-1,1024\n")
        self.assertIsNone(rows[0]["rss_bytes"])
        self.assertEqual(rows[0]["heap_used_bytes"], 1024)
        self.assertEqual(rows[0]["open"], 5)

    def test_ports_counts_durations(self):
        self.assertEqual(len(parsers.parse_port_spec("9000-9019")), 20)
        self.assertEqual(parsers.parse_port_spec("9000,9001,9005-9007"), [9000, 9001, 9005, 9006, 9007])
        self.assertEqual(parsers.parse_port_spec([9000, "9002-9003"]), [9000, 9002, 9003])
        self.assertEqual(parsers.parse_count("10k"), 10000)
        self.assertEqual(parsers.parse_count("1m"), 1000000)
        self.assertEqual(parsers.parse_duration("30s"), 30)
        self.assertEqual(parsers.parse_duration("10m"), 600)
        self.assertEqual(parsers.parse_duration("500ms"), 0.5)
        self.assertIsNone(parsers.parse_duration("soon"))


if __name__ == "__main__":
    unittest.main()
