package lab.c1m.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.record.Times;

/**
 * Episodes in which some of the client's connections were down (silent: dead by the heartbeat rule; or
 * closed by the peer and not yet back) and then all came back. An episode starts when the first one goes
 * down (a silent connection from when its oldest unanswered heartbeat was written, not from when it was
 * judged dead) and ends when none is down. Two episodes less than {@link #MERGE_NANOS} apart are one: a
 * connection that goes from dead to closed passes through "up" for an instant, and a reconnect storm
 * flickers. Any event loop calls in; a lock keeps the count and the episode together (a few events per
 * connection per outage, never on the heartbeat path).
 */
final class Outages {
    static final long MERGE_NANOS = 1_000_000_000L;
    /** The episodes kept in full; later ones are only counted (a flapping server must not grow the summary). */
    static final int KEPT = 100;

    private static final class Episode {
        final long startNanos;
        long firstLossNanos;
        long endNanos;
        long peakDown;
        long dead;
        long lost;
        long recovered;
        long reconnected;

        Episode(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private final List<Episode> episodes = new ArrayList<>();
    private long count;
    private long down;
    private Episode current;

    /** A connection judged dead; its silence began at {@code silentSinceNanos}. */
    synchronized void dead(long silentSinceNanos) {
        goDown(silentSinceNanos).dead++;
    }

    /** A connection closed by the peer. */
    synchronized void lost(long nowNanos) {
        Episode e = goDown(nowNanos);
        e.lost++;
        if (e.firstLossNanos == 0) {
            e.firstLossNanos = nowNanos;
        }
    }

    /** A dead connection answered again. */
    synchronized void recovered(long nowNanos) {
        Episode e = goUp(nowNanos);
        if (e != null) {
            e.recovered++;
        }
    }

    /** A lost connection was opened again. */
    synchronized void reconnected(long nowNanos) {
        Episode e = goUp(nowNanos);
        if (e != null) {
            e.reconnected++;
        }
    }

    /** A dead connection closed: it was down as dead and is down now as lost (counted by {@link #lost}). */
    synchronized void deadClosed(long nowNanos) {
        goUp(nowNanos);
    }

    private Episode goDown(long sinceNanos) {
        down++;
        if (current == null) {
            Episode last = episodes.isEmpty() ? null : episodes.get(episodes.size() - 1);
            if (last != null && last.endNanos != 0 && sinceNanos - last.endNanos < MERGE_NANOS && count <= KEPT) {
                last.endNanos = 0;
                current = last;
            } else {
                current = new Episode(sinceNanos);
                count++;
                if (episodes.size() < KEPT) {
                    episodes.add(current);
                }
            }
        }
        current.peakDown = Math.max(current.peakDown, down);
        return current;
    }

    private Episode goUp(long nowNanos) {
        Episode e = current;
        if (down > 0) {
            down--;
        }
        if (down == 0 && e != null) {
            e.endNanos = nowNanos;
            current = null;
        }
        return e;
    }

    /** Connections down now. */
    synchronized long down() {
        return down;
    }

    /** Episodes so far, including one still going on and those not kept in full. */
    synchronized long count() {
        return count;
    }

    /**
     * Seconds from the first loss to every lost connection back, in the latest episode that lost any; null
     * when none was lost, or while that episode goes on.
     */
    synchronized Double recoverySeconds() {
        for (int i = episodes.size() - 1; i >= 0; i--) {
            Episode e = episodes.get(i);
            if (e.lost > 0) {
                return e.endNanos == 0 ? null : (e.endNanos - e.firstLossNanos) / 1e9;
            }
        }
        return null;
    }

    /** The kept episodes for the summary: when, how long, how many connections at most, and what happened to them. */
    synchronized List<Map<String, Object>> toList(long nowNanos) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Episode e : episodes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", Times.iso(Times.fromNanos(e.startNanos)));
            m.put("end", e.endNanos == 0 ? null : Times.iso(Times.fromNanos(e.endNanos)));
            m.put("seconds", ((e.endNanos == 0 ? nowNanos : e.endNanos) - e.startNanos) / 1e9);
            m.put("ongoing", e.endNanos == 0);
            m.put("connections", e.peakDown);
            m.put("dead", e.dead);
            m.put("recovered", e.recovered);
            m.put("lost", e.lost);
            m.put("reconnected", e.reconnected);
            m.put("recovery_seconds", e.lost == 0 || e.endNanos == 0 ? null : (e.endNanos - e.firstLossNanos) / 1e9);
            all.add(m);
        }
        return all;
    }

    /** One phrase per kept episode, for the exit reason: "2,000 connections silent 8.1 s". */
    synchronized String describe(long nowNanos) {
        StringBuilder sb = new StringBuilder();
        for (Episode e : episodes) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            double seconds = ((e.endNanos == 0 ? nowNanos : e.endNanos) - e.startNanos) / 1e9;
            sb.append(Quantities.count(e.peakDown)).append(" connection(s) ")
                .append(e.lost > 0 ? "down" : "silent").append(String.format(Locale.ROOT, " %.1f s", seconds))
                .append(e.endNanos == 0 ? " (not over)" : "");
        }
        if (count > episodes.size()) {
            sb.append(", and ").append(count - episodes.size()).append(" more");
        }
        return sb.toString();
    }
}
