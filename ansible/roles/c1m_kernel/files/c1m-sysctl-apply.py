#!/usr/bin/env python3
"""Put the c1m_kernel role's kernel settings in force now, in one run:
    c1m-sysctl-apply.py '{"fs.nr_open": 1048576, "net.ipv4.tcp_rmem": "4096 4096 6291456", ...}'
Writes each setting whose value in force differs (whitespace aside, as sysctl compares) to /proc/sys and
prints, as JSON, {"changed": [keys written], "failed": {key: why}}; exits 1 when one could not be written.
One script run instead of one module run per setting: under emulation (QEMU's TCG) each module run costs
seconds, a dozen settings nearly two minutes.
"""
import json
import sys

PROC_SYS = "/proc/sys/"  # tests point this elsewhere


def proc_path(key):
    # sysctl's own rule: a key with a slash is a path already (an interface name may hold a dot).
    return PROC_SYS + (key if "/" in key else key.replace(".", "/"))


def words(value):
    return " ".join(str(value).split())


def main(wanted):
    changed, failed = [], {}
    for key, value in sorted(wanted.items()):
        try:
            with open(proc_path(key)) as handle:
                if words(handle.read()) == words(value):
                    continue
            with open(proc_path(key), "w") as handle:
                handle.write(words(value) + "\n")
            changed.append(key)
        except OSError as error:
            failed[key] = "%s = %s: %s" % (key, words(value), error.strerror)
    print(json.dumps({"changed": changed, "failed": failed}, sort_keys=True))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
