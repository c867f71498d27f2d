package lab.c1m.common.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Checks, before anything is opened, that every file a run leaves behind (--summary, --timeline, --log-file)
 * can be written: its folder must exist (it is never created: a typo in a path should not grow folders) and
 * take a new file. A problem is a usage error: one line naming the option, the path and why.
 */
public final class OutputFiles {
    private OutputFiles() {
    }

    public static void check(CommandLine cmd, RunOptions run) {
        check(cmd, "--summary", run.summaryFile, true);
        check(cmd, "--timeline", run.timelineFile, false);
        check(cmd, "--log-file", run.logFile, false);
    }

    /** The locks this process holds on its output files, kept open (and so held) until it exits. */
    private static final java.util.Map<Path, FileChannel> HELD = new java.util.LinkedHashMap<>();

    /**
     * One writer per output file: takes a lock on FILE.lock beside each of --summary, --timeline and --log-file
     * (the kernel drops it when the process ends, however it ends) and writes this process's PID into it. A
     * file another process holds is a usage error naming its PID. Called last, once every other check passed,
     * so a refused run creates nothing.
     */
    public static void claim(CommandLine cmd, RunOptions run) {
        List<Path> created = new ArrayList<>();
        String[] options = {"--summary", "--timeline", "--log-file"};
        Path[] files = {run.summaryFile, run.timelineFile, run.logFile};
        Path[] real = new Path[files.length];
        for (int i = 0; i < files.length; i++) {
            if (files[i] == null) {
                continue;
            }
            // The lock goes beside the file itself: a symlink to another run's file finds that run's lock.
            real[i] = realPath(files[i]);
            for (int j = 0; j < i; j++) {
                if (real[i].equals(real[j])) {
                    throw Cli.usage(cmd, options[i] + " " + files[i] + " is the same file as " + options[j] + " "
                        + files[j] + ": give each its own file");
                }
            }
            String linked = hardLinked(real[i]);
            if (linked != null) {
                throw Cli.usage(cmd, options[i] + " " + files[i] + linked);
            }
        }
        for (int i = 0; i < files.length; i++) {
            if (files[i] == null) {
                continue;
            }
            Path lock = real[i].resolveSibling(real[i].getFileName() + ".lock");
            String holder = lockOrHolder(lock, created);
            if (holder != null) {
                created.forEach(OutputFiles::deleteQuietly);
                throw Cli.usage(cmd, options[i] + " " + files[i] + " is being written by process " + holder
                    + " (another c1m run on this host): give this run another path, or stop that one");
            }
        }
    }

    /**
     * Where the file really is: symlinks resolved, even one to a file not written yet, and in its folder's real
     * path when it does not exist yet.
     */
    private static Path realPath(Path file) {
        Path path = file.toAbsolutePath().normalize();
        try {
            for (int hops = 0; hops < 40 && Files.isSymbolicLink(path); hops++) {
                path = path.getParent().resolve(Files.readSymbolicLink(path)).normalize();
            }
            return Files.exists(path) ? path.toRealPath() : path.getParent().toRealPath().resolve(path.getFileName());
        } catch (IOException e) {
            return path; // check() already refused what cannot be reached
        }
    }

    /** Why an existing file with other hard links is refused (another run may write it by another name), or null. */
    private static String hardLinked(Path file) {
        try {
            if (Files.isRegularFile(file) && ((Number) Files.getAttribute(file, "unix:nlink")).intValue() > 1) {
                return " has other hard links (another run's file by another name?): give a path of its own";
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // No link count on this file system: nothing to guard.
        }
        return null;
    }

    /** Locks {@code lock} and writes our PID: null; or the PID written by the process that holds it. */
    private static String lockOrHolder(Path lock, List<Path> created) {
        boolean existed = Files.exists(lock);
        try {
            FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            if (!existed) {
                created.add(lock);
            }
            FileLock held = channel.tryLock();
            if (held == null) {
                String pid = new String(Files.readAllBytes(lock), StandardCharsets.US_ASCII).trim();
                channel.close();
                return pid.isEmpty() ? "(unknown PID)" : pid;
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            if (HELD.isEmpty()) {
                // A run leaves its record, not its locks: each is removed as the process ends (a kill -9 leaves it,
                // unlocked and harmless: the next run takes it).
                Runtime.getRuntime().addShutdownHook(new Thread(OutputFiles::release, "release-output-locks"));
            }
            HELD.put(lock, channel);
            return null;
        } catch (IOException e) {
            return null; // a folder that takes no lock file was already refused by check(); nothing to guard
        } catch (OverlappingFileLockException e) {
            return ProcessHandle.current().pid() + " (this one)"; // the same file twice was refused above
        }
    }

    /** Removes the lock files this process holds, then lets go of them. */
    private static void release() {
        synchronized (HELD) {
            HELD.forEach((lock, channel) -> {
                deleteQuietly(lock);
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // The kernel lets go of it as the process ends anyway.
                }
            });
            HELD.clear();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Left behind unlocked: harmless, the next run takes it.
        }
    }

    /**
     * {@code replacedWhole}: the summary is written to FILE.tmp beside it and moved over it, so the folder
     * must take a new file; a timeline or a log is opened in place.
     */
    static void check(CommandLine cmd, String option, Path file, boolean replacedWhole) {
        if (file == null) {
            return;
        }
        String problem = problem(file, replacedWhole);
        if (problem != null) {
            throw Cli.usage(cmd, option + " " + file + ": " + problem);
        }
    }

    /** Why the file cannot be written, or null when it can. */
    static String problem(Path file, boolean replacedWhole) {
        // Probed where it really is: a probe by rename must not replace a symlink with a file of its own.
        Path absolute = realPath(file);
        Path dir = absolute.getParent();
        if (dir == null || file.getFileName() == null) {
            return "not a file name";
        }
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                return p + " is a file, not a folder";
            }
        }
        if (!Files.isDirectory(dir)) {
            return "its folder " + dir + " does not exist (it is not created: create it first)";
        }
        if (Files.isDirectory(absolute)) {
            return "is a folder, not a file";
        }
        String pseudo = pseudoFileSystem(dir);
        if (pseudo != null) {
            return "is on " + pseudo + ", the kernel's own files, which do not keep what a run writes: give a path on a disk";
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            // /dev/full, a pipe: what the run writes there is lost without a word.
            return "is not a regular file (a device or a pipe would lose what the run writes): give a file path";
        }
        if (replacedWhole && Files.exists(absolute)) {
            // Replaced by a rename, which an immutable or append-only file refuses: try it as the run will.
            String problem = writable(absolute);
            if (problem != null) {
                return problem;
            }
        }
        Path probe = replacedWhole ? dir.resolve(file.getFileName() + ".tmp") : absolute;
        boolean existed = Files.exists(probe);
        try (OutputStream out = Files.newOutputStream(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            out.flush();
        } catch (IOException | SecurityException e) {
            return "cannot be written (" + reason(e) + ")";
        }
        if (!existed) {
            // A refused run leaves no file behind: the run itself creates them once every check passed.
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // The run's own writes replace or append to it.
            }
        }
        return null;
    }

    /** File systems whose files are the kernel's (a write there is an ioctl of sorts, or refused, never kept). */
    private static final java.util.Set<String> PSEUDO = java.util.Set.of("proc", "sysfs", "cgroup", "cgroup2", "debugfs",
        "tracefs", "securityfs", "configfs", "pstore", "bpf", "efivarfs", "fusectl", "binfmt_misc");

    /** "a proc file system" when {@code dir} is on one of the kernel's pseudo file systems, else null. */
    private static String pseudoFileSystem(Path dir) {
        try {
            String type = Files.getFileStore(dir).type();
            return PSEUDO.contains(type) ? "a " + type + " file system" : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Why an existing file cannot be replaced by a rename of its FILE.tmp, or null when it can. */
    private static String writable(Path file) {
        Path probe = file.resolveSibling(file.getFileName() + ".probe");
        try {
            Files.copy(file, probe, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(probe, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return null;
        } catch (IOException | SecurityException e) {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // Left for the user to see; the refusal names the file.
            }
            return "cannot be replaced (" + reason(e) + "; an immutable or append-only file? lsattr " + file + ")";
        }
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "its folder takes no new files";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
