package lab.c1m.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The slots one event loop owns: {@code first}, {@code first + stride}, ... ({@code count} of them). Each
 * loop opens, beats and reads only its own slots, so a slot's state is only ever touched by one thread.
 */
record LoopSlots(int first, int stride, int count) {
    /** Loop {@code index} of {@code loops}, for a table of {@code target} slots dealt out round-robin. */
    static LoopSlots of(int index, int loops, int target) {
        int count = index < target ? (target - index + loops - 1) / loops : 0;
        return new LoopSlots(index, loops, count);
    }

    /** Every loop's slots, in the loops' order: the one split that the ramps and the heartbeats both use. */
    static List<LoopSlots> split(int loops, int target) {
        List<LoopSlots> all = new ArrayList<>(loops);
        for (int i = 0; i < loops; i++) {
            all.add(of(i, loops, target));
        }
        return all;
    }

    int slot(int index) {
        return first + index * stride;
    }
}
