package lab.c1m.capacity.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.c1m.capacity.doctor.Fmt;
import lab.c1m.capacity.doctor.HostShare;

/**
 * A host's size: memory and CPUs, and where the size came from ("given", "the lab's server VM"...).
 * The standard shapes are the lab's own VMs (the Vagrantfile's defaults) and then the general-purpose
 * cloud sizes, 4 GiB a CPU, doubling.
 */
public record Shape(long memoryBytes, int cpus, String origin) {
    static final long GIB = 1L << 30;
    /** The Vagrantfile's server_memory_mb / server_cpus and client_memory_mb / client_cpus (ShapeTest checks). */
    public static final Shape LAB_SERVER = new Shape(6 * GIB, 2, "the lab's server VM");
    public static final Shape LAB_CLIENT = new Shape(4 * GIB, 2, "the lab's client VM");
    /** Above the lab's VMs: general-purpose cloud sizes (4 GiB a CPU), 8 GiB/2 CPUs to 1 TiB/256 CPUs. */
    static final int LARGEST_STANDARD_CPUS = 256;

    /** The standard shapes from the lab's VM up, smallest first. */
    public static List<Shape> standard(Shape lab) {
        List<Shape> shapes = new ArrayList<>();
        shapes.add(lab);
        for (int cpus = 2; cpus <= LARGEST_STANDARD_CPUS; cpus *= 2) {
            if (4 * GIB * cpus > lab.memoryBytes()) {
                shapes.add(new Shape(4 * GIB * cpus, cpus, "a standard size"));
            }
        }
        return shapes;
    }

    public Shape withOrigin(String text) {
        return new Shape(memoryBytes, cpus, text);
    }

    /** "6 GiB / 2 CPUs". */
    public String size() {
        return Fmt.bytes(memoryBytes) + " / " + cpus + " CPU" + (cpus == 1 ? "" : "s");
    }

    /** A memory size as -Xmx takes it and as clouds name them: {@code 64g}, {@code 6144m}, bytes. */
    public static long parseMemory(String text) {
        try {
            return HostShare.parseHeap(text.trim().toLowerCase(Locale.ROOT).replaceFirst("([kmgt])i?b?$", "$1"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a memory size: use e.g. 64g, 6144m", e);
        }
    }
}
