package lab.c1m.common.failure;

import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import org.slf4j.Logger;

/** What both jars' handlers do with an exception on a connection: close it, and say so only if it is unexpected. */
public final class ConnectionErrors {
    private ConnectionErrors() {
    }

    public static void close(ChannelHandlerContext ctx, Throwable cause, Logger log) {
        if (cause instanceof IOException) {
            // A reset or a broken pipe is how a peer leaves; the close is all there is to do.
            log.debug("Closing {} after {}", ctx.channel(), cause.toString());
        } else {
            log.warn("Closing {} after an unexpected error", ctx.channel(), cause);
        }
        ctx.close();
    }
}
