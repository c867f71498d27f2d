#!/usr/bin/env python3
"""Print, as JSON, the kernel values and limits the c1m_kernel role plans and verifies with."""
import json
import os

SYSCTL = [
    "fs.file-max", "fs.nr_open", "fs.epoll.max_user_watches",
    "net.core.somaxconn", "net.core.netdev_max_backlog", "net.ipv4.tcp_max_syn_backlog",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_mem", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    "net.netfilter.nf_conntrack_max", "net.netfilter.nf_conntrack_buckets",
]


def read(path):
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return None


def hard_limit(pid, name):
    for line in (read("/proc/%s/limits" % pid) or "").splitlines():
        if line.startswith(name):
            value = line[len(name):].split()[1]
            return None if value == "unlimited" else int(value)
    return None


def nofile_hard(pid):
    return hard_limit(pid, "Max open files")


def cgroup_memory_limit():
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        value = read(path)
        if value and value.isdigit() and int(value) < (1 << 60):
            return int(value)
    return None


def meminfo_total():
    for line in (read("/proc/meminfo") or "").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return None


def has_cap(index):
    for line in (read("/proc/self/status") or "").splitlines():
        if line.startswith("CapBnd:"):
            return bool(int(line.split()[1], 16) & (1 << index))
    return True


sysctl = {}
for key in SYSCTL:
    value = read("/proc/sys/" + key.replace(".", "/"))
    sysctl[key] = " ".join(value.split()) if value is not None else None
sysctl_writable = {key: os.access("/proc/sys/" + key.replace(".", "/"), os.W_OK) for key in SYSCTL}

memory = [v for v in (meminfo_total(), cgroup_memory_limit()) if v]
print(json.dumps({
    "sysctl": sysctl,
    "sysctl_writable": sysctl_writable,
    "pid1_nofile_hard": nofile_hard(1),
    "self_nofile_hard": nofile_hard("self"),
    "pid1_memlock_hard": hard_limit(1, "Max locked memory"),
    "cap_sys_resource": has_cap(24),
    "memory_bytes": min(memory) if memory else None,
    "page_size": os.sysconf("SC_PAGE_SIZE"),
    "conntrack_loaded": os.path.exists("/proc/sys/net/netfilter/nf_conntrack_max"),
    "conntrack_hashsize": int(read("/sys/module/nf_conntrack/parameters/hashsize") or 0),
}))
