package dev.offload.launcher.internal;

import java.io.IOException;
import java.util.List;

/** A worker JVM did not come up: it exited, timed out, or answered the handshake wrongly. */
public class WorkerStartException extends IOException {
    private final int exitCode;
    private final List<String> stderrTail;

    public WorkerStartException(String message, int exitCode, List<String> stderrTail) {
        super(message + (stderrTail.isEmpty() ? "" : "; last stderr lines:\n  " + String.join("\n  ", stderrTail)));
        this.exitCode = exitCode;
        this.stderrTail = List.copyOf(stderrTail);
    }

    /** The worker's exit code, or -1 if it was still running (and the launcher killed it: a timeout, a bad handshake). */
    public int exitCode() {
        return exitCode;
    }

    public List<String> stderrTail() {
        return stderrTail;
    }
}
