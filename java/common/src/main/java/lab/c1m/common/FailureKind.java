package lab.c1m.common;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import java.util.Locale;

/** Every way a connection can fail, with what it means and how to fix it, as the client log and report show. */
public enum FailureKind {
    EMFILE("Too many open files: the process hit its open-files limit",
        "raise the nofile limit of the process (LimitNOFILE in the unit, ulimit -n, /etc/security/limits.conf) and fs.nr_open"),
    ENFILE("Too many open files in system: the whole host hit fs.file-max",
        "sysctl -w fs.file-max=<at least 1.2 x all sockets on the host>"),
    EADDRNOTAVAIL("Cannot assign requested address: the ephemeral ports for this destination are exhausted",
        "widen net.ipv4.ip_local_port_range (1024 65535), add source addresses (--source-ips) or server ports;"
            + " keep each (source IP, server IP, server port) under half the port range"),
    ECONNREFUSED("Connection refused: nothing listens on that address and port, or its accept queue overflowed",
        "start the server and check --ports; raise net.core.somaxconn and net.ipv4.tcp_max_syn_backlog or lower --rate"),
    ETIMEDOUT("Connect timed out: the SYN or its answer was dropped on the way",
        "if the conntrack count sits at its maximum the table is full: raise net.netfilter.nf_conntrack_max and the"
            + " hash size (/sys/module/nf_conntrack/parameters/hashsize); else check the route, a firewall, or lower --rate"),
    ECONNRESET("Connection reset by the peer or a middlebox",
        "look at the server's log and memory; a firewall or NAT device may be resetting connections"),
    ENOBUFS("No buffer space / cannot allocate memory: the kernel ran out of socket memory or RAM",
        "raise net.ipv4.tcp_mem (pages) and check free memory; lower tcp_rmem/tcp_wmem defaults for idle sockets"),
    OTHER("Another error (see the client log for the exact message)",
        "read the first logged message of this kind; it names the errno");

    private final String meaning;
    private final String fix;

    FailureKind(String meaning, String fix) {
        this.meaning = meaning;
        this.fix = fix;
    }

    public String meaning() {
        return meaning;
    }

    public String fix() {
        return fix;
    }

    /** Names the failure behind a connect or I/O exception, by errno where Netty gives one, else by message. */
    public static FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectTimeoutException) {
                return ETIMEDOUT;
            }
            if (t instanceof Errors.NativeIoException nio) {
                FailureKind byErrno = byErrno(-nio.expectedErr());
                if (byErrno != null) {
                    return byErrno;
                }
            }
            FailureKind byMessage = byMessage(t.getMessage());
            if (byMessage != null) {
                return byMessage;
            }
            if (t instanceof ChannelException && t.getCause() == null) {
                break;
            }
        }
        return OTHER;
    }

    /** Linux errno numbers (asm-generic/errno*.h); the same on x86_64 and aarch64. */
    static FailureKind byErrno(int errno) {
        return switch (errno) {
            case 24 -> EMFILE;
            case 23 -> ENFILE;
            case 99 -> EADDRNOTAVAIL;
            case 111 -> ECONNREFUSED;
            case 110 -> ETIMEDOUT;
            case 104 -> ECONNRESET;
            case 105, 12 -> ENOBUFS;
            default -> null;
        };
    }

    static FailureKind byMessage(String message) {
        if (message == null) {
            return null;
        }
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("too many open files in system")) {
            return ENFILE;
        }
        if (m.contains("too many open files")) {
            return EMFILE;
        }
        if (m.contains("cannot assign requested address")) {
            return EADDRNOTAVAIL;
        }
        if (m.contains("connection refused")) {
            return ECONNREFUSED;
        }
        if (m.contains("timed out")) {
            return ETIMEDOUT;
        }
        if (m.contains("connection reset")) {
            return ECONNRESET;
        }
        if (m.contains("no buffer space") || m.contains("cannot allocate memory")) {
            return ENOBUFS;
        }
        return null;
    }
}
