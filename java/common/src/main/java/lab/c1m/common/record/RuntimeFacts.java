package lab.c1m.common.record;

import io.netty.util.Version;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Facts about the JVM, Netty and the host that a report needs to compare runs. */
public final class RuntimeFacts {
    private RuntimeFacts() {
    }

    public static Map<String, Object> jvm() {
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("version", System.getProperty("java.runtime.version", System.getProperty("java.version")));
        jvm.put("vendor", System.getProperty("java.vendor"));
        jvm.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", ")));
        jvm.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        jvm.put("available_processors", Runtime.getRuntime().availableProcessors());
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        jvm.put("args", args);
        jvm.put("pid", ProcessHandle.current().pid());
        return jvm;
    }

    public static String nettyVersion() {
        Version v = Version.identify(RuntimeFacts.class.getClassLoader()).get("netty-transport");
        return v == null ? "unknown" : v.artifactVersion();
    }

    public static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown" : env;
        }
    }

    /** The jar's own version, from its manifest (or "dev" when run from classes). */
    public static String version(Class<?> main) {
        String v = main.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
