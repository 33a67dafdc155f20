package dev.offload.pool;

import java.util.List;
import java.util.Optional;

/**
 * The worker running the job died on every attempt the job was allowed, or workers could not be
 * started at all. Says how the last one died and what it printed last.
 */
public class WorkerCrashedException extends OffloadException {
    private final int exitCode;
    private final String signal;
    private final List<String> stderrTail;

    /**
     * Made by the pool; public for callers that wrap or test it.
     *
     * @param signal the signal's name, e.g. {@code SIGKILL}, or null
     */
    public WorkerCrashedException(String message, int exitCode, String signal, List<String> stderrTail) {
        super(message);
        this.exitCode = exitCode;
        this.signal = signal;
        this.stderrTail = List.copyOf(stderrTail);
    }

    /** The worker's exit code (137 after SIGKILL), or -1 when unknown. */
    public int exitCode() {
        return exitCode;
    }

    /** The signal that killed the worker, e.g. {@code SIGKILL}, if one did. */
    public Optional<String> signal() {
        return Optional.ofNullable(signal);
    }

    /** The last lines the worker wrote to stderr. */
    public List<String> stderrTail() {
        return stderrTail;
    }
}
