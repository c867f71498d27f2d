package lab.c1m.common.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end a run the orderly way: the main thread wakes, closes connections, writes the
 * final summary and exits with a code that says how the run went (a shutdown hook could not choose it).
 */
public final class StopSignal {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String reason;

    public static StopSignal install() {
        StopSignal s = new StopSignal();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> s.request("SIG" + sig.getName()));
            } catch (IllegalArgumentException e) {
                LOG.warn("Cannot handle SIG{}: stopping with it will not write the final summary", name);
            }
        }
        return s;
    }

    public void request(String why) {
        if (reason == null) {
            reason = why;
        }
        stop.countDown();
    }

    public boolean requested() {
        return stop.getCount() == 0;
    }

    public String reason() {
        return reason;
    }

    /** Waits up to the timeout; true when a stop was requested. A zero or negative timeout waits forever. */
    public boolean await(long timeoutMillis) throws InterruptedException {
        if (timeoutMillis <= 0) {
            stop.await();
            return true;
        }
        return stop.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
