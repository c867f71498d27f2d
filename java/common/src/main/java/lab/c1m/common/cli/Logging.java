package lab.c1m.common.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.recovery.RecoveryListener;
import ch.qos.logback.core.recovery.ResilientOutputStreamBase;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Adds the lab's log file beside the console lines that logback.xml sets up. */
public final class Logging {
    /** Why the log file lost lines (a full disk), or null: said once on the console, kept in the summary. */
    private static volatile String fileProblem;

    private Logging() {
    }

    /** Null while every line reached the log file; else why some did not (the summary's log_problem). */
    public static String fileProblem() {
        return fileProblem;
    }

    public static void addFile(Path file) {
        if (file == null) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n");
        encoder.start();

        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(file.toAbsolutePath().toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalArgumentException("cannot write log file " + file + ": check that its folder exists and is writable");
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        // logback keeps writing after a failed write once the disk takes bytes again, but says nothing where a
        // person looks: the lines between are lost. Say it once on the console, and keep it for the summary.
        if (appender.getOutputStream() instanceof ResilientOutputStreamBase resilient) {
            resilient.addRecoveryListener(new RecoveryListener() {
                @Override
                public void newFailure(IOException e) {
                    if (fileProblem == null) {
                        fileProblem = "lines lost from " + java.time.Instant.now() + ": " + e.getMessage();
                        toConsoleOnly(Level.WARN, "The log file " + file + " is not written: " + e.getMessage()
                            + "; its lines are lost until it takes writes again (this console still has them; said once)");
                    }
                }

                @Override
                public void recoveryOccured() {
                    toConsoleOnly(Level.INFO, "The log file " + file + " takes lines again; " + fileProblem);
                }
            });
        }
    }

    /** An event for every appender but the log file: what happened to the log file itself. */
    private static void toConsoleOnly(Level level, String message) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        LoggingEvent event = new LoggingEvent(Logging.class.getName(), context.getLogger(Logging.class), level, message, null, null);
        for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (!"file".equals(appender.getName())) {
                appender.doAppend(event);
            }
        }
    }

    /**
     * Writes an ERROR line to the log file only (when there is one): for messages the command already
     * printed on stderr, such as a preflight refusal, which the lab must still find in the fetched log.
     */
    public static void toFileOnly(Class<?> source, String message) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root.getAppender("file") instanceof FileAppender<ILoggingEvent> file) {
            file.doAppend(new LoggingEvent(Logging.class.getName(), context.getLogger(source), Level.ERROR, message, null, null));
        }
    }
}
