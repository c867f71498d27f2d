package lab.c1m.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class in its own JVM with the test classpath, as the jar would run: real exit codes, real signals. */
public final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private JavaProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    public static JavaProcess start(Path workDir, String mainClass, String... args) throws IOException {
        return start(workDir, List.of(), List.of(), mainClass, args);
    }

    /**
     * Runs the main class behind a command prefix (e.g. {@code prlimit --nofile=1024:20000} or
     * {@code unshare -n sh -c '...; exec "$@"' sh}) and with extra JVM options.
     */
    public static JavaProcess start(Path workDir, List<String> prefix, List<String> jvmOptions, String mainClass, String... args)
        throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        String name = mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-" + System.nanoTime();
        Path out = workDir.resolve(name + ".out");
        Path err = workDir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new JavaProcess(p, out, err);
    }

    /** Waits for the exit code; fails the test (and kills the process) past the timeout. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not exit within " + seconds + " s; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** SIGTERM, as systemd and the playbooks stop the jars. */
    public void terminate() {
        process.destroy();
    }

    public void kill() {
        process.destroyForcibly();
    }

    public long pid() {
        return process.pid();
    }

    /** Sends a signal by name (STOP, CONT, ...), as {@code kill -NAME pid}. */
    public void signal(String name) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " exited " + rc);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "<unreadable: " + e.getMessage() + ">";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
