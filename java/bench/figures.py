"""The benchmark's figures: reading nested summary fields and printing the tables benchmark.py shows."""


def dig(d, path):
    """The value at a dotted path of the summary, or None where the jar does not write it (yet)."""
    for key in path.split("."):
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def ms(v):
    return "n/a" if v is None else f"{v} ms"


def num(v):
    return "n/a" if v is None else f"{v:,}"


def percent(v):
    return "n/a" if v is None else f"{v * 100:.2f}%"


def print_table(r):
    rows = [
        ("connections held (server count)", f"{r['held']:,} of {r['connections']:,}"),
        ("ramp time", f"{r['ramp_seconds']} s"),
        ("connect rate", f"{r['connect_rate_per_s']:,}/s"),
        ("C client ramp time (same count, same server)", f"{r['c_ramp_seconds']} s ({r['c_connections']:,} established)"),
        ("Java/C connect speed (C time / Java time)", f"{r['java_c_connect_speed']} (target >= 0.8)"),
        ("server retained heap per connection", "n/a (no heap: the c-epoll server)"
         if r["server_heap_bytes_per_conn"] is None else f"{r['server_heap_bytes_per_conn']:,} B"),
        ("server RSS per connection", f"{r['server_rss_bytes_per_conn']:,} B"),
        ("client retained heap per connection", f"{r['client_heap_bytes_per_conn']:,} B"),
        ("client RSS per connection", f"{r['client_rss_bytes_per_conn']:,} B"),
        ("kernel TCP buffer memory per socket", "n/a" if r["kernel_tcp_bytes_per_socket"] is None
         else f"{r['kernel_tcp_bytes_per_socket']:,} B"),
        ("kernel slab memory per socket", "n/a (no /proc/slabinfo)" if r["slab_bytes_per_socket"] is None
         else f"{r['slab_bytes_per_socket']:,} B"),
        ("heartbeats due / sent / echoed", f"{num(r['heartbeats_due'])} / {r['heartbeats_sent']:,} / "
                                           f"{r['heartbeats_received']:,} (every {r['heartbeat']})"),
        ("heartbeats late / missed", f"{num(r['heartbeats_late'])} / {num(r['heartbeats_missed'])}"),
        ("heartbeat schedule kept (whole run / hold)",
         percent(r["schedule_kept"]) + " / " + percent(r["hold_schedule_kept"])),
        ("heartbeat RTT from written p50 / p90 / p99 / max",
         " / ".join(ms(r[f"rtt_{q}_ms"]) for q in ("p50", "p90", "p99", "max"))),
        ("heartbeat RTT from due p50 / p90 / p99 / max",
         " / ".join(ms(r[f"rtt_from_due_{q}_ms"]) for q in ("p50", "p90", "p99", "max"))),
        ("heartbeat schedule lag p50 / p99 / max", " / ".join(ms(r[f"lag_{q}_ms"]) for q in ("p50", "p99", "max"))),
        ("lost / dead / heartbeat stalls", f"{r['lost']} / {r['dead']} / {num(r['heartbeat_stalls'])}"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"\n| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v} |")
    print(f"\nJava {r['java']}, Netty {r['netty']}, {r['transport']}, {r['cpus']} CPUs; server JVM: {r['server_jvm']}")


def print_connect(n, c_run, java):
    c_s, j_s = c_run["ramp_seconds"], java["ramp_seconds"]
    print(f"\n{n:,} connections, same server: C client {c_s:.3f} s ({c_run['established']:,} established), "
          f"Java client {j_s:.3f} s ({java['established']:,} established)")
    print(f"Java/C connect speed (C time / Java time): {c_s / j_s:.2f} (target >= 0.8)")


def print_top(role, top, before, n):
    print(f"\nTop classes of the {role} heap: bytes and objects per connection, over {n:,} connections beyond the baseline:")
    for size, count, name in top:
        b_size, b_count = before.get(name, (0, 0))
        print(f"  {(size - b_size) / n:8.1f} B  {(count - b_count) / n:6.2f}  {name}")


def kept_between(s0, s1):
    """Share of the heartbeats due between two summaries that went out on time (neither late nor missed)."""
    fields = [[dig(s, f"heartbeat.{k}") for k in ("due", "late", "missed")] for s in (s0, s1)]
    if any(v is None for f in fields for v in f) or fields[1][0] == fields[0][0]:
        return None
    (due0, late0, missed0), (due1, late1, missed1) = fields
    return ((due1 - late1 - missed1) - (due0 - late0 - missed0)) / (due1 - due0)
