package lab.c1m.common.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import picocli.CommandLine;

/** An address this host can listen on: an IP address (or a name of one) that is one of its own, or the wildcard. */
public final class BindAddress {
    private BindAddress() {
    }

    public static InetAddress parse(CommandLine cmd, String option, String value) {
        if (value == null || value.isBlank()) {
            throw Cli.usage(cmd, option + " must be an address of this host (e.g. 0.0.0.0 for all, 127.0.0.1), got '"
                + (value == null ? "" : value) + "'");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(value.trim());
        } catch (UnknownHostException | SecurityException e) {
            throw Cli.usage(cmd, option + " '" + value + "' is neither an IP address nor a known host name");
        }
        if (!address.isAnyLocalAddress() && !local(address)) {
            throw Cli.usage(cmd, option + " " + value + " is not an address of this host: choose one that 'ip -br addr'"
                + " lists, or 0.0.0.0 for all");
        }
        return address;
    }

    private static boolean local(InetAddress address) {
        try {
            return address.isLoopbackAddress() ? loopbackUp() : NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return true; // Cannot tell: let bind() say.
        }
    }

    /** 127.0.0.0/8 is all this host's once lo is up, though only 127.0.0.1 is listed on it. */
    private static boolean loopbackUp() throws SocketException {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        return lo == null || lo.isUp();
    }
}
