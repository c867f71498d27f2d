package lab.c1m.common.notation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The server ports, given as a range ({@code 9000-9019}), a list ({@code 9000,9005}) or both. */
public final class PortList {
    private final int[] ports;

    private PortList(int[] ports) {
        this.ports = ports;
    }

    public static PortList parse(String text) {
        Set<Integer> ports = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash > 0) {
                int first = port(p.substring(0, dash), text);
                int last = port(p.substring(dash + 1), text);
                if (last < first) {
                    throw new IllegalArgumentException("port range '" + p + "' is empty: write it low-high, e.g. 9000-9019");
                }
                for (int i = first; i <= last; i++) {
                    ports.add(i);
                }
            } else {
                ports.add(port(p, text));
            }
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no ports in '" + text + "': give a range such as 9000-9019 or a list such as 9000,9001");
        }
        return new PortList(ports.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int port(String s, String whole) {
        try {
            int port = Integer.parseInt(s.trim());
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " in '" + whole + "' is outside 1-65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s.trim() + "' in '" + whole + "' is not a port number", e);
        }
    }

    public int size() {
        return ports.length;
    }

    public int get(int index) {
        return ports[index];
    }

    public int[] toArray() {
        return ports.clone();
    }

    public List<Integer> asList() {
        List<Integer> list = new ArrayList<>(ports.length);
        for (int p : ports) {
            list.add(p);
        }
        return list;
    }

    /** The shortest text that parses back to the same ports, e.g. {@code 9000-9019}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < ports.length) {
            int j = i;
            while (j + 1 < ports.length && ports[j + 1] == ports[j] + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(ports[i]);
            if (j > i) {
                sb.append('-').append(ports[j]);
            }
            i = j + 1;
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortList other && Arrays.equals(ports, other.ports);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ports);
    }
}
