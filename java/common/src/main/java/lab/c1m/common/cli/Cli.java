package lab.c1m.common.cli;

import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/**
 * Runs a picocli command the way both jars do: bad input is one line on stderr and exit 2, a host
 * that cannot hold the target is one line per limit and exit 3, never a stack trace for either; an
 * unexpected error is logged with its trace (console and --log-file) and exits 1.
 */
public final class Cli {
    private Cli() {
    }

    /** Thrown by a command when the host's limits cannot carry what was asked. */
    public static final class HostCannotHoldException extends RuntimeException {
        public HostCannotHoldException(String message) {
            super(message);
        }
    }

    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setParameterExceptionHandler(oneLineUsageError());
        cl.setExecutionExceptionHandler(hostLimitsOrCrash());
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    public static int run(Object command, String... args) {
        return commandLine(command).execute(args);
    }

    private static IParameterExceptionHandler oneLineUsageError() {
        return (ParameterException ex, String[] args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            // "c1m-client" for the command itself, "c1m-client doctor" for a subcommand.
            String name = cmd.getCommandSpec().qualifiedName();
            err.println(name + ": " + ex.getMessage());
            err.println("Run '" + name + " --help' for the options and their defaults.");
            err.flush();
            return ExitCodes.USAGE;
        };
    }

    private static IExecutionExceptionHandler hostLimitsOrCrash() {
        return (Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) -> {
            if (ex instanceof HostCannotHoldException) {
                cmd.getErr().println(ex.getMessage());
                cmd.getErr().flush();
                Logging.toFileOnly(cmd.getCommand().getClass(), ex.getMessage());
                return ExitCodes.HOST_CANNOT_HOLD;
            }
            // Anything else is a bug or an unforeseen host problem: its trace goes to the console and to
            // --log-file, which is what the lab collects (a trace on stderr alone stays in the journal).
            LoggerFactory.getLogger(cmd.getCommand().getClass()).error("Stopped by an unexpected error", ex);
            return ExitCodes.NOT_REACHED;
        };
    }

    /** A usage error found after parsing (values that only make sense together). */
    public static ParameterException usage(CommandLine cmd, String message) {
        return new ParameterException(cmd, message);
    }
}
