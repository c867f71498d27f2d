package lab.c1m.capacity.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.c1m.capacity.ServerImpl;

/**
 * A check the doctor did not run because it does not apply to the server that will run, with why: a check
 * that does not apply is not run, and saying so keeps a missing row from reading as a passed one. The runs
 * skip them by the same tests (MemoryCheck: the heap with a JVM only; DoctorCommand: io_uring on netty only).
 */
public record NotApplicable(String name, String why) {
    public static final String HEAP = "heap";

    /**
     * The checks the Java server would get for the same options that this share's server does not.
     *
     * @param heapGiven whether --heap was given (then it is said to be unused)
     * @param ioUring whether --transport io_uring was asked (the locked-memory check's condition)
     */
    static List<NotApplicable> of(HostShare share, boolean heapGiven, boolean ioUring) {
        ServerImpl impl = share.impl();
        List<NotApplicable> list = new ArrayList<>();
        if (!impl.jvm()) {
            list.add(new NotApplicable(HEAP, noHeap(impl) + (heapGiven ? "; --heap is not used" : "")));
        }
        if (ioUring && impl != ServerImpl.NETTY) {
            list.add(new NotApplicable(LockedMemoryCheck.NAME, "the server is " + impl.label()
                + " (io_uring is a transport of the lab's Java server; --transport is not used)"));
        }
        return list;
    }

    /**
     * Why a server has no heap to check or plan: "the server is c-epoll (no JVM)". The plan's heap row says the
     * same, so the doctor and the plan name the absence alike.
     */
    public static String noHeap(ServerImpl impl) {
        return "the server is " + impl.label() + " (no JVM"
            + (impl == ServerImpl.COMMAND ? " the lab sized: its memory is measured from outside after the run" : "") + ")";
    }

    /** The table's words: "heap: not checked, the server is c-epoll (no JVM)". */
    public String line() {
        return name + ": not checked, " + why;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("why", why);
        return m;
    }
}
