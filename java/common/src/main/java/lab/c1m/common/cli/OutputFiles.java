package lab.c1m.common.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        Path absolute = file.toAbsolutePath();
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
