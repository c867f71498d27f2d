package lab.c1m.common.netty;

/** The Netty transports the jars can use; epoll is the point of the lab. */
public enum TransportKind {
    EPOLL("epoll"),
    IO_URING("io_uring"),
    NIO("nio");

    private final String label;

    TransportKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static TransportKind parse(String text) {
        for (TransportKind k : values()) {
            if (k.label.equalsIgnoreCase(text.trim()) || k.name().equalsIgnoreCase(text.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + text + "': use epoll, io_uring or nio");
    }

    @Override
    public String toString() {
        return label;
    }
}
