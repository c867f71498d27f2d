package lab.c1m.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * On every listening channel: counts the accept errors that name a limit ("accept(..) failed: Too many open
 * files" and the like) and keeps the first few, so the summary says them and the playbook reads them there
 * instead of in the log. Every exception is passed on unchanged (Netty's acceptor pauses accepting, and logs).
 */
@ChannelHandler.Sharable
final class AcceptErrors extends ChannelInboundHandlerAdapter {
    private static final Pattern NAMES_A_LIMIT = Pattern.compile(
        "Too many open files|Cannot allocate memory|No space left on device|No buffer space", Pattern.CASE_INSENSITIVE);
    private static final int KEPT = 3;

    private final AtomicLong count = new AtomicLong();
    private final List<String> first = new ArrayList<>();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (NAMES_A_LIMIT.matcher(message).find()) {
            count.incrementAndGet();
            synchronized (first) {
                if (first.size() < KEPT) {
                    first.add(cause.getClass().getSimpleName() + ": " + message);
                }
            }
        }
        ctx.fireExceptionCaught(cause);
    }

    long count() {
        return count.get();
    }

    /** {count, first: [up to three of them]}. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count.get());
        synchronized (first) {
            m.put("first", List.copyOf(first));
        }
        return m;
    }
}
