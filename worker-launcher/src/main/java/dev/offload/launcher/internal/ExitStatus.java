package dev.offload.launcher.internal;

/** A worker's exit code in words: {@code 137} is "killed by SIGKILL". */
public final class ExitStatus {
    private static final String[] SIGNALS = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
    };

    private ExitStatus() {
    }

    /** The signal's name when the exit code says the process was killed by one (128 + n), else null. */
    public static String signal(int exitCode) {
        int n = exitCode - 128;
        if (n > 0 && n < SIGNALS.length) {
            return SIGNALS[n];
        }
        return n > 0 && n < 65 ? "signal " + n : null;
    }

    /**
     * Whether the exit code says another process ended it: SIGKILL (the OOM killer, {@code kill -9}),
     * SIGTERM, SIGINT or SIGHUP. A JVM that crashes (SIGSEGV, SIGBUS, SIGABRT) ended itself.
     */
    public static boolean killedFromOutside(int exitCode) {
        String signal = signal(exitCode);
        return "SIGKILL".equals(signal) || "SIGTERM".equals(signal) || "SIGINT".equals(signal) || "SIGHUP".equals(signal);
    }

    public static String describe(int exitCode) {
        String signal = signal(exitCode);
        return signal != null ? "killed by " + signal + " (exit code " + exitCode + ")" : "exited with code " + exitCode;
    }
}
