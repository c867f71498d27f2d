package lab.c1m.common.notation;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of the lab's source-address notation (the client's --source-ips, the doctor's count of them;
 * report/c1mlab/notation.py reads the same, tests/vectors/notation.json holds the cases). Local addresses to connect from, given as a list ({@code 10.0.0.2,10.0.0.3}) or an IPv4 CIDR ({@code 10.0.0.0/30}).
 */
public final class SourceAddresses {
    /** A /16 is 65k addresses: more than any lab needs, and a typo like /6 should not allocate millions. */
    private static final int SMALLEST_PREFIX = 16;

    private SourceAddresses() {
    }

    public static List<InetAddress> parse(String text) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.contains("/")) {
                addresses.addAll(cidr(p));
            } else {
                addresses.add(literal(p));
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no addresses in '" + text + "': give a list (10.0.0.2,10.0.0.3) or a CIDR (10.0.0.0/30)");
        }
        return addresses;
    }

    private static InetAddress literal(String s) {
        if (!s.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address", e);
        }
    }

    /** The usable host addresses of an IPv4 network (a /31 or /32 gives its addresses as they are). */
    private static List<InetAddress> cidr(String s) {
        String[] parts = s.split("/", 2);
        InetAddress base = literal(parts[0]);
        int prefix;
        try {
            prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' has no prefix length after the slash", e);
        }
        byte[] raw = base.getAddress();
        if (raw.length != 4 || prefix < SMALLEST_PREFIX || prefix > 32) {
            throw new IllegalArgumentException("'" + s + "': only IPv4 networks from /" + SMALLEST_PREFIX + " to /32 are accepted");
        }
        long ip = ((raw[0] & 0xffL) << 24) | ((raw[1] & 0xffL) << 16) | ((raw[2] & 0xffL) << 8) | (raw[3] & 0xffL);
        long size = 1L << (32 - prefix);
        long network = ip & ~(size - 1) & 0xffffffffL;
        long first = size > 2 ? network + 1 : network;
        long last = size > 2 ? network + size - 2 : network + size - 1;
        List<InetAddress> out = new ArrayList<>();
        for (long a = first; a <= last; a++) {
            try {
                out.add(InetAddress.getByAddress(new byte[] {(byte) (a >> 24), (byte) (a >> 16), (byte) (a >> 8), (byte) a}));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** The first address that is not configured on this host, or null when all are. */
    public static InetAddress firstNotLocal(List<InetAddress> addresses) {
        for (InetAddress a : addresses) {
            try {
                if (!a.isLoopbackAddress() && NetworkInterface.getByInetAddress(a) == null) {
                    return a;
                }
            } catch (SocketException e) {
                return a;
            }
        }
        return null;
    }
}
