package lab.c1m.capacity.doctor;

import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.Rules;

/**
 * net.ipv4.tcp_mem, "low pressure max" in pages for all TCP sockets of the host together. An idle socket
 * holds no buffer, but one with a heartbeat in flight holds at least a page; the rule is one page per
 * socket, capped at half of memory (as the lab's kernel role sets it). Past the max the kernel refuses
 * socket memory (ENOBUFS, dropped segments, "TCP: out of memory"); past pressure it starts shrinking buffers.
 */
final class TcpMemCheck {
    static final long PAGES_PER_SOCKET = Rules.TCP_MEM_PAGES_PER_SOCKET;

    private TcpMemCheck() {
    }

    static Check run(HostFacts facts, HostShare share) {
        String name = "tcp_mem";
        long[] mem = facts.tcpMem();
        if (mem == null) {
            return Check.unreadable(name, "/proc/sys/net/ipv4/tcp_mem is host-wide and hidden in this network namespace",
                "sysctl net.ipv4.tcp_mem on the host");
        }
        long page = facts.pageSize();
        long need = share.sockets() * PAGES_PER_SOCKET;
        long floor = Needs.tcpMemPages(share.sockets(), facts.memTotalBytes(), page);
        long[] wanted = Needs.tcpMemTriple(floor);
        long pressure = wanted[1];
        String found = mem[0] + " " + mem[1] + " " + mem[2] + " pages (pressure " + Fmt.bytes(mem[1] * page) + ", max "
            + Fmt.bytes(mem[2] * page) + ")";
        String needed = "max >= " + Fmt.count(floor) + " pages = " + Fmt.count(share.sockets()) + " sockets x " + PAGES_PER_SOCKET
            + " page (" + Fmt.bytes(page) + ")" + (floor < need ? ", capped at half of memory" : "")
            + "; pressure >= " + Fmt.percent(Rules.TCP_MEM_PRESSURE) + " of it (" + Fmt.count(pressure) + ")";
        String fix = "sysctl -w net.ipv4.tcp_mem=\"" + wanted[0] + " " + wanted[1] + " " + wanted[2] + "\" (pages, persist"
            + " it in /etc/sysctl.d/; rule: one page per socket for the heartbeat each may have in flight, at most half of"
            + " memory; pressure " + Fmt.percent(Rules.TCP_MEM_PRESSURE) + " and low " + Fmt.percent(Rules.TCP_MEM_LOW)
            + " of the max)";
        if (mem[2] < floor) {
            return Check.fail(name, found, needed, fix + " (else: ENOBUFS, dropped segments, 'TCP: out of memory' in dmesg)");
        }
        if (mem[1] < pressure) {
            return Check.warn(name, found, needed, fix + " (else the kernel shrinks buffers under pressure: slower, not lost)");
        }
        return Check.ok(name, found, needed);
    }
}
