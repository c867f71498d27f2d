package lab.c1m.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small tmpfs mounted for one test, and filled on demand: the full disk of issue 20. Needs root (mount), which
 * CI has; without it the test is skipped, saying why. Close it after every process writing there has exited.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path path;

    private SmallDisk(Path path) {
        this.path = path;
    }

    /** Mounts a tmpfs of {@code size} (as mount takes it: 64k, 2m) at a new folder "disk" under {@code parent}. */
    public static SmallDisk mount(Path parent, String size) throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounts a tmpfs: run as root (CI does)");
        Path path = Files.createDirectory(parent.resolve("disk"));
        assertEquals(0, run("mount", "-t", "tmpfs", "-o", "size=" + size, "c1m-test", path.toString()));
        return new SmallDisk(path);
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    /** Writes a filler file in blocks of {@code block} bytes until the disk refuses more. */
    public void fill(int block) throws IOException {
        try (OutputStream out = Files.newOutputStream(path.resolve("filler"))) {
            byte[] bytes = new byte[block];
            while (true) {
                out.write(bytes);
                out.flush();
            }
        } catch (IOException full) {
            // No space left: the disk is full, which is the point.
        }
    }

    /** Deletes the filler: the disk takes writes again. */
    public void free() throws IOException {
        Files.delete(path.resolve("filler"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", path.toString());
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
