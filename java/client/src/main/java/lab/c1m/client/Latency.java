package lab.c1m.client;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency recorded from every event loop (microseconds), read by the reporter: the ramp's total,
 * the hold's total (steady state) and the current window of the timeline.
 */
final class Latency {
    private final Recorder recorder = new Recorder(3);
    private final Histogram ramp = new Histogram(3);
    private final Histogram hold = new Histogram(3);
    private final Histogram window = new Histogram(3);
    private boolean holding;

    /** Any thread, wait-free. */
    void record(long micros) {
        recorder.recordValue(Math.max(0, micros));
    }

    /** From now on values count as the hold's. */
    synchronized void holdStarted() {
        fold();
        holding = true;
    }

    synchronized Histogram ramp() {
        fold();
        return ramp.copy();
    }

    synchronized Histogram hold() {
        fold();
        return hold.copy();
    }

    /** The values since the last call (the timeline's window), and a new window begins. */
    synchronized Histogram takeWindow() {
        fold();
        Histogram w = window.copy();
        window.reset();
        return w;
    }

    private void fold() {
        Histogram interval = recorder.getIntervalHistogram();
        (holding ? hold : ramp).add(interval);
        window.add(interval);
    }
}
