package lab.c1m.client;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.server.ServerCommand;

/** The lab's echo server in its own JVM on loopback, for the client's process tests: started, and waited for. */
final class EchoServerProcess {
    private EchoServerProcess() {
    }

    /**
     * Starts the server on ports {@code first .. first + ports - 1} (metrics on the next port) and returns once
     * its /status says running. {@code prefix} runs before java (e.g. taskset); {@code extra} are more options.
     */
    static JavaProcess start(Path dir, List<String> prefix, int first, int ports, String... extra) throws Exception {
        int metrics = first + ports;
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--ports", first + "-" + (first + ports - 1),
            "--metrics-port", Integer.toString(metrics)));
        args.addAll(List.of(extra));
        JavaProcess server = JavaProcess.start(dir, prefix, List.of(), ServerCommand.class.getName(), args.toArray(String[]::new));
        Eventually.holds(20, () -> running(metrics), server::stdout);
        return server;
    }

    static JavaProcess start(Path dir, int first, int ports, String... extra) throws Exception {
        return start(dir, List.of(), first, ports, extra);
    }

    private static boolean running(int metrics) {
        try (var in = URI.create("http://127.0.0.1:" + metrics + "/status").toURL().openStream()) {
            return new String(in.readAllBytes()).contains("running");
        } catch (Exception e) {
            return false;
        }
    }
}
