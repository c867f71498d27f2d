package lab.c1m.common.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end a run the orderly way: the main thread wakes, closes connections, writes the
 * final summary and exits with a code that says how the run went (a shutdown hook could not choose it).
 * The handlers are installed from the commands' first static initializer, before logging or option parsing
 * start, so even a signal during start-up is a request to stop (kept until the run looks), never the JVM's
 * default exit 143 without a summary.
 */
public final class StopSignal {
    private static final StopSignal INSTANCE = new StopSignal();
    private static volatile boolean installed;
    private static volatile String notHandled;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile String reason;

    private StopSignal() {
    }

    /** Installs the handlers once; cheap and free of logging, for the very start of the process. */
    public static synchronized void installEarly() {
        if (installed) {
            return;
        }
        installed = true;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> INSTANCE.request("SIG" + sig.getName()));
            } catch (IllegalArgumentException e) {
                notHandled = name;
            }
        }
    }

    /** The process's stop signal, with its handlers installed (a stop requested before this call is kept). */
    public static StopSignal install() {
        installEarly();
        if (notHandled != null) {
            LoggerFactory.getLogger(StopSignal.class).warn("Cannot handle SIG{}: stopping with it will not write the final"
                + " summary", notHandled);
        }
        return INSTANCE;
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
