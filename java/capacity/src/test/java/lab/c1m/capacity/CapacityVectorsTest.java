package lab.c1m.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.c1m.common.testing.JsonTree;
import org.junit.jupiter.api.Test;

/**
 * The cross-language test: tests/vectors/capacity.json holds cases worked out by hand from rules.properties
 * (each with its arithmetic); Needs must give them, as report/c1mlab/capacity.py must (report/tests/test_capacity.py).
 */
class CapacityVectorsTest {
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases(String name) throws Exception {
        Map<String, Object> all = (Map<String, Object>) JsonTree.read(JsonTree.repository().resolve("tests/vectors/capacity.json"));
        List<Map<String, Object>> list = (List<Map<String, Object>>) all.get(name);
        if (list == null || list.isEmpty()) {
            throw new AssertionError("capacity.json has no " + name + " cases");
        }
        return list;
    }

    private static long n(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> out(Map<String, Object> c) {
        return (Map<String, Object>) c.get("out");
    }

    @Test
    void descriptorsAndHeap() throws Exception {
        for (var c : cases("descriptors_needed")) {
            assertEquals(n(c, "out"), Needs.descriptors(n(c, "sockets")), c.toString());
        }
        for (var c : cases("heap")) {
            assertEquals(n(c, "bytes"), Needs.heapBytes(n(c, "connections")), c.toString());
            assertEquals(n(c, "mb"), Needs.heapMegabytes(n(c, "connections")), c.toString());
        }
    }

    @Test
    void memory() throws Exception {
        Set<ServerImpl> seen = EnumSet.noneOf(ServerImpl.class);
        for (var c : cases("memory_estimate")) {
            if (c.containsKey("refused")) {
                // A question with no answer (an external server): refused with the case's text, as capacity.py refuses it.
                ServerImpl impl = ServerImpl.parse((String) c.get("impl"));
                seen.add(impl);
                var e = assertThrows(IllegalArgumentException.class,
                    () -> Needs.memory(impl, n(c, "sockets"), n(c, "connections"), n(c, "tracked")), c.toString());
                assertEquals(c.get("refused"), e.getMessage());
                continue;
            }
            // A case without impl is the Java server's, through the plan's own (three-argument) computation.
            var m = c.containsKey("impl")
                ? Needs.memory(ServerImpl.parse((String) c.get("impl")), n(c, "sockets"), n(c, "connections"), n(c, "tracked"))
                : Needs.memory(n(c, "sockets"), n(c, "connections"), n(c, "tracked"));
            seen.add(c.containsKey("impl") ? ServerImpl.parse((String) c.get("impl")) : ServerImpl.NETTY);
            var o = out(c);
            assertEquals(List.of(n(o, "kernel"), n(o, "conntrack"), n(o, "heap"), n(o, "native"), n(o, "total"), n(o, "comfortable")),
                List.of(m.kernel(), m.conntrack(), m.heap(), m.nativeBytes(), m.total(), m.comfortable()), c.toString());
        }
        assertEquals(EnumSet.allOf(ServerImpl.class), seen, "a case for every server");
    }

    @Test
    void fiveTuple() throws Exception {
        for (var c : cases("five_tuple")) {
            var f = Needs.fiveTuple(n(c, "range"), n(c, "server_ports"), n(c, "source_addresses"), n(c, "connections"));
            var o = out(c);
            assertEquals(List.of(n(o, "combinations"), n(o, "per_combination"), n(o, "slow_at"), n(o, "wall_at"),
                    n(o, "slow_capacity"), n(o, "wall_capacity"), o.get("status")),
                List.of(f.combinations(), f.perCombination(), f.slowAt(), f.wallAt(), f.slowCapacity(), f.wallCapacity(),
                    f.status().name().toLowerCase(java.util.Locale.ROOT)), c.toString());
        }
    }

    @Test
    void conntrackAndHeartbeats() throws Exception {
        for (var c : cases("conntrack_full")) {
            assertEquals(c.get("out"), Needs.conntrackFull(n(c, "count"), n(c, "max")), c.toString());
        }
        for (var c : cases("heartbeat_load")) {
            var h = Needs.heartbeats(n(c, "connections"), n(c, "heartbeat_seconds"), (int) n(c, "cpus"));
            var o = out(c);
            assertEquals(((Number) o.get("per_second")).doubleValue(), h.perSecond(), 1e-9, c.toString());
            assertEquals(((Number) o.get("per_cpu")).doubleValue(), h.perCpu(), 1e-9, c.toString());
            assertEquals(n(o, "capacity_per_cpu"), h.capacityPerCpu(), c.toString());
            assertEquals(o.get("comfortable"), h.comfortable(), c.toString());
        }
    }

    @Test
    void tables() throws Exception {
        for (var c : cases("tables")) {
            long n = n(c, "connections");
            assertEquals(List.of(n(c, "margin"), n(c, "buckets_needed"), n(c, "buckets_suggested"), n(c, "listen_queue"),
                    n(c, "tcp_mem_pages")),
                List.of(Needs.tableMargin(n), Needs.conntrackBucketsNeeded(n), Needs.conntrackBucketsSuggested(n + Needs.tableMargin(n)),
                    Needs.listenQueuePerPort(n(c, "rate"), n(c, "ports")), Needs.tcpMemPages(n + n(c, "ports"), n(c, "memory_bytes"), 4096)),
                c.toString());
            List<?> triple = (List<?>) c.get("tcp_mem");
            assertEquals(triple.stream().map(v -> ((Number) v).longValue()).toList(),
                java.util.Arrays.stream(Needs.tcpMemTriple(n(c, "tcp_mem_pages"))).boxed().toList(), c.toString());
        }
    }

    @Test
    void usableMemoryAndRamp() throws Exception {
        for (var c : cases("usable_memory")) {
            assertEquals(n(c, "out"), Needs.usableMemoryBytes(n(c, "memory_bytes")), c.toString());
        }
        for (var c : cases("ramp")) {
            int cpus = (int) n(c, "cpus");
            assertEquals(n(c, "rate"), Needs.connectRate(cpus, n(c, "paced")), c.toString());
            assertEquals(((Number) c.get("seconds")).doubleValue(), Needs.rampSeconds(n(c, "share"), cpus, n(c, "paced")), 1e-9,
                c.toString());
        }
    }
}
