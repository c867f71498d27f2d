package lab.c1m.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptErrorsTest {
    @Test
    void countsTheAcceptErrorsThatNameALimitKeepsTheFirstAndPassesEveryOneOn() {
        AcceptErrors errors = new AcceptErrors();
        EmbeddedChannel listener = new EmbeddedChannel(errors);
        for (int i = 0; i < 5; i++) {
            IOException emfile = new IOException("accept(..) failed: Too many open files");
            listener.pipeline().fireExceptionCaught(emfile);
            // It reached the end of the pipeline: Netty's acceptor still sees it.
            assertSame(emfile, assertThrows(IOException.class, listener::checkException));
        }
        listener.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertThrows(IOException.class, listener::checkException);
        assertEquals(5, errors.count(), "a reset names no limit");
        @SuppressWarnings("unchecked")
        List<String> first = (List<String>) errors.toMap().get("first");
        assertEquals(3, first.size());
        assertEquals("IOException: accept(..) failed: Too many open files", first.get(0));
    }
}
