"""What a host needs for its share, computed from rules.py's numbers. The Java side computes the same in
lab.c1m.capacity (Capacity, the doctor's checks); tests/vectors/capacity.json holds the cases
both languages must agree on (report/tests/test_capacity.py, CapacityVectorsTest)."""
import math

from .rules import RULES

MIB = 1 << 20


def descriptors_needed(sockets, rules=RULES):
    """Open files a process needs to hold `sockets` connections (or listeners): its sockets plus the reserve."""
    return int(sockets) + rules.integer("descriptors.reserve")


def heap_bytes(connections, rules=RULES):
    """The heap rule: the live set per connection times the headroom factor, plus a young generation."""
    live = int(connections) * rules.integer("heap.live_bytes_per_connection")
    return math.ceil(live * rules.fraction("heap.headroom_factor")) + rules.integer("heap.young_mib") * MIB


def heap_mb(connections, rules=RULES):
    """heap_bytes in whole MiB, rounded up: what -Xmx<N>m the roles give a jar for that many connections."""
    return -(-heap_bytes(connections, rules) // MIB)


def live_heap_bytes(connections, rules=RULES):
    return int(connections) * rules.integer("heap.live_bytes_per_connection")


# What can run as the server (c1m_server_impl; Java's lab.c1m.capacity.ServerImpl has the same labels).
# "external" runs on no host of the lab: nothing is counted or judged for it (only its clients are).
SERVER_IMPLS = ("netty", "c-epoll", "command", "external")

# Why an external server has no memory here (Java's Needs.NO_SERVER_HOST says the same).
NO_SERVER_HOST = "the server is external (outside the lab): there is no server host to count or judge"


def memory_estimate(sockets, connections, tracked=0, rules=RULES, impl="netty"):
    """Bytes a host needs: the kernel's sockets, conntrack entries (0 when not tracked) and the server's own
    memory; `comfortable` adds the margin for the per-socket cost's spread between hosts. The server's own is
    by `impl` (c1m_server_impl): netty, the heap rule and the JVM's native memory; c-epoll, no JVM, its rule's
    user space a connection (under `native`); command, none (its memory is not known before it runs); external
    is refused (ValueError): it runs on no host of the lab, so there is nothing to count."""
    kernel = int(sockets) * rules.integer("kernel.socket_bytes")
    conntrack = int(tracked) * rules.integer("conntrack.entry_bytes")
    if impl == "netty":
        heap = heap_bytes(connections, rules)
        native = (rules.integer("jvm.baseline_mib") * MIB
                  + int(connections) * rules.integer("jvm.native_bytes_per_connection"))
    elif impl == "c-epoll":
        heap, native = 0, int(connections) * rules.integer("c_epoll.bytes_per_connection")
    elif impl == "command":
        heap, native = 0, 0
    elif impl == "external":
        raise ValueError(NO_SERVER_HOST)
    else:
        raise ValueError("%r is not a server implementation: use %s or %s" % (impl, ", ".join(SERVER_IMPLS[:-1]), SERVER_IMPLS[-1]))
    total = kernel + conntrack + heap + native
    return {"kernel": kernel, "conntrack": conntrack, "heap": heap, "native": native, "total": total,
            "comfortable": math.ceil(total * (1 + rules.fraction("memory.margin_fraction")))}


def five_tuple(range_size, server_ports, source_addresses, connections, rules=RULES):
    """The 5-tuple: each (source address, server address, server port) draws on ip_local_port_range.
    status: "ok"; "tight" (past capacity.tight_fraction of the slow point); "slow" (past
    five_tuple.slow_fraction of the range: connect() crawled on Linux 6.1); "wall" (past the range:
    EADDRNOTAVAIL)."""
    combinations = max(int(server_ports), 1) * max(int(source_addresses), 1)
    per_combination = -(-int(connections) // combinations)
    slow_at = int(int(range_size) * rules.fraction("five_tuple.slow_fraction"))
    wall_at = int(int(range_size) * rules.fraction("five_tuple.wall_fraction"))
    if per_combination > wall_at:
        status = "wall"
    elif per_combination > slow_at:
        status = "slow"
    elif per_combination > slow_at * rules.fraction("capacity.tight_fraction"):
        status = "tight"
    else:
        status = "ok"
    return {"combinations": combinations, "per_combination": per_combination, "slow_at": slow_at,
            "wall_at": wall_at, "slow_capacity": slow_at * combinations, "wall_capacity": wall_at * combinations,
            "status": status}


def conntrack_full(count, maximum, rules=RULES):
    """True when the table is as full as the kernel starts dropping at (conntrack.full_fraction)."""
    return int(maximum) > 0 and int(count) >= int(maximum) * rules.fraction("conntrack.full_fraction")


def heartbeat_load(connections, heartbeat_seconds, cpus, rules=RULES):
    """Heartbeats a second per client CPU against the measured capacity; comfortable below its share."""
    rate = int(connections) / float(heartbeat_seconds)
    per_cpu = rate / max(int(cpus), 1)
    capacity = rules.integer("heartbeat.per_cpu_per_second")
    return {"per_second": rate, "per_cpu": per_cpu, "capacity_per_cpu": capacity,
            "comfortable": per_cpu <= capacity * rules.fraction("heartbeat.comfortable_fraction")}


def table_margin(connections, rules=RULES):
    """What is asked on top of a share for a host-wide table (file-max, epoll watches, conntrack), rounded up."""
    return math.ceil(int(connections) * rules.fraction("hostwide.margin_fraction"))


def conntrack_buckets_needed(entries, rules=RULES):
    return -(-int(entries) // rules.integer("conntrack.longest_chain"))


def conntrack_buckets_suggested(entries, rules=RULES):
    return -(-int(entries) // rules.integer("conntrack.suggested_chain"))


def listen_queue_per_port(per_second, ports, rules=RULES):
    """The listen-queue depth a port needs: what arrives while the accept loop stalls, per port."""
    return -(-int(per_second) * rules.integer("accept.stall_seconds") // max(int(ports), 1))


def tcp_mem_pages(sockets, memory_bytes, page_bytes, rules=RULES):
    """tcp_mem's max in pages: a page per socket, at most tcp_mem.max_memory_fraction of memory."""
    need = int(sockets) * rules.integer("tcp_mem.pages_per_socket")
    if int(memory_bytes) <= 0:
        return need
    return min(need, int(int(memory_bytes) // int(page_bytes) * rules.fraction("tcp_mem.max_memory_fraction")))


def tcp_mem_triple(max_pages, rules=RULES):
    """tcp_mem's three values for that max, [low, pressure, max]: the rules' shares of it, rounded down."""
    max_pages = int(max_pages)
    return [int(max_pages * rules.fraction("tcp_mem.low_fraction")),
            int(max_pages * rules.fraction("tcp_mem.pressure_fraction")), max_pages]


def usable_memory_bytes(memory_bytes, rules=RULES):
    """Memory a host of that size leaves a service: less what its own kernel and daemons keep (an allowance)."""
    return max(0, int(memory_bytes) - rules.integer("host.os_reserve_mib") * MIB)


def connect_rate(cpus, paced_per_second=0, rules=RULES):
    """Connections a client opens a second: its CPUs at the measured rate, or its pace when lower (0 = none)."""
    measured = max(int(cpus), 1) * rules.integer("connect.per_client_cpu_per_second")
    return min(int(paced_per_second), measured) if int(paced_per_second) > 0 else measured


def ramp_seconds(share, cpus, paced_per_second=0, rules=RULES):
    """Seconds a ramp takes: every client opens its share at connect_rate, all at once."""
    return int(share) / float(connect_rate(cpus, paced_per_second, rules))
