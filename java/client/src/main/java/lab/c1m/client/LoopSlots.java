package lab.c1m.client;

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

    int slot(int index) {
        return first + index * stride;
    }
}
