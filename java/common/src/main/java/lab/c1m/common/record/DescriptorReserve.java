package lab.c1m.common.record;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A few file descriptors held back for the reporter. At the open-files wall (the nofile scenario) every
 * descriptor is a socket, and without these the summary could not be rewritten nor /proc read: the run
 * would end with a stale summary just when it matters most. The reporter releases them for its own
 * writes and takes them back right after.
 */
public final class DescriptorReserve {
    private static final String SOURCE = "/dev/null";
    private final int size;
    private final List<FileInputStream> held = new ArrayList<>();

    public DescriptorReserve(int size) {
        this.size = size;
        refill();
    }

    /** Gives the descriptors back to the process for a moment. */
    public void release() {
        for (FileInputStream in : held) {
            try {
                in.close();
            } catch (IOException ignored) {
                // Closing /dev/null does not fail in practice; a leaked descriptor is harmless.
            }
        }
        held.clear();
    }

    /** Takes back as many as it can; at the wall another thread may have won some, which is no worse than none. */
    public void refill() {
        while (held.size() < size) {
            try {
                held.add(new FileInputStream(SOURCE));
            } catch (IOException e) {
                return;
            }
        }
    }

    public int held() {
        return held.size();
    }
}
