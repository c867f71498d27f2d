package lab.c1m.common.netty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportTest {
    @TempDir
    Path dir;

    @Test
    void theLockedMemoryMessageNamesTheLimitItsValueAndBothFixes() throws IOException {
        Path limits = Files.writeString(dir.resolve("limits"), String.join("\n",
            "Limit                     Soft Limit           Hard Limit           Units",
            "Max open files            20000                20000                files",
            "Max locked memory         8388608              8388608              bytes", ""));
        String m = Transport.ioUringMemlockMessage(16, limits);
        assertTrue(m.startsWith("io_uring could not allocate the rings of 16 event loop(s) (about 9.0 MiB)"), m);
        assertTrue(m.contains("RLIMIT_MEMLOCK 8.0 MiB, counted over every process of this user"), m);
        assertTrue(m.contains("LimitMEMLOCK=infinity") && m.contains("or use --transport epoll"), m);
        assertTrue(Transport.ioUringMemlockMessage(1, dir.resolve("missing")).contains("RLIMIT_MEMLOCK unknown"));
    }
}
