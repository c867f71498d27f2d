package lab.c1m.capacity;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which server runs as c1m-server.service (the lab's c1m_server_impl), by the names the settings, the doctor's
 * --impl and the report use. What a host must hold for its share depends on it: only the Java server has a
 * heap and a JVM to count. An external server runs on no host of the lab: only its clients are planned and judged.
 */
public enum ServerImpl {
    /** The lab's Java server on Netty: heap, JVM native memory, and the kernel's sockets. */
    NETTY("netty"),
    /** The seeds' design in C (one epoll reactor): the kernel's sockets and a few bytes of user space a connection. */
    C_EPOLL("c-epoll"),
    /** The user's own server: the lab knows its sockets but nothing of its user-space memory before it runs. */
    COMMAND("command"),
    /** A server already running elsewhere: the lab neither tunes nor measures it, and has no server host. */
    EXTERNAL("external");

    private final String label;

    ServerImpl(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether a JVM the lab sized runs it: then heap, JVM native memory and HotSpot's behaviour apply. */
    public boolean jvm() {
        return this == NETTY;
    }

    /** Whether the server runs on the lab's server host (provisioned, judged by the doctor, measured by the report). */
    public boolean onServerHost() {
        return this != EXTERNAL;
    }

    /** "netty, c-epoll, command or external", for messages naming the choices. */
    public static String choices() {
        String[] labels = Arrays.stream(values()).map(ServerImpl::label).toArray(String[]::new);
        return String.join(", ", Arrays.copyOf(labels, labels.length - 1)) + " or " + labels[labels.length - 1];
    }

    public static ServerImpl parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(i -> i.label.equals(wanted)).findFirst().orElseThrow(
            () -> new IllegalArgumentException("'" + text + "' is not a server implementation: use " + choices()));
    }
}
