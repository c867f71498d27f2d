package lab.c1m.common.cli;

/** Exit codes shared by both jars; the lab's playbooks and the README rely on them. */
public final class ExitCodes {
    /** Target reached and held with nothing lost (server: clean shutdown). */
    public static final int OK = 0;
    /** Target not reached, or connections lost or dead; the summary says why. */
    public static final int NOT_REACHED = 1;
    /** Bad usage: one line on stderr names the option and the problem. */
    public static final int USAGE = 2;
    /** This host cannot hold the target: one line names the limit, its value, the need and the fix. */
    public static final int HOST_CANNOT_HOLD = 3;

    /** The text picocli shows under "Exit Codes:" in --help. */
    public static final String[] HELP = {
        "0:Target reached and held, nothing lost (server: clean shutdown).",
        "1:Target not reached, or connections lost or dead (see the summary).",
        "2:Bad usage (one line names the option and the problem).",
        "3:This host cannot hold the target (the line names the limit and the fix).",
    };

    private ExitCodes() {
    }
}
