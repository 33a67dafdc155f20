package dev.offload.worker.internal;

import dev.offload.transport.internal.Frame;

/** What the parent and a worker agree on outside the frames: environment names and exit codes. */
public final class WorkerProtocol {
    /** The channel to open, as a {@code ChannelSpec} string. */
    public static final String ENV_CHANNEL = "OFFLOAD_CHANNEL";
    /** The pool's random token, echoed in HELLO. */
    public static final String ENV_TOKEN = "OFFLOAD_TOKEN";
    /** The worker's id in its pool, for log lines. */
    public static final String ENV_WORKER_ID = "OFFLOAD_WORKER_ID";
    /** The parent's pid: the worker exits when that process is gone. */
    public static final String ENV_PARENT_PID = "OFFLOAD_PARENT_PID";
    /**
     * For a pipe worker standing in for a shm worker: its directory in the pool's shm directory, to
     * claim like a shm worker ({@code WorkerClaim}), so that the pool's last worker deletes the pool's
     * shared memory after the parent died.
     */
    public static final String ENV_CLAIM_DIR = "OFFLOAD_CLAIM_DIR";
    /** System property: milliseconds between heartbeats while a job runs. */
    public static final String PROP_HEARTBEAT_MS = "dev.offload.worker.heartbeatMs";

    /**
     * The handler's run time that a RESULT or ERROR frame carries in its flags, in microseconds
     * (saturated at {@code Integer.MAX_VALUE}): the parent's run-time figures and its choice of how
     * many jobs to queue on a worker come from it.
     */
    public static long runNanos(Frame answer) {
        return Integer.toUnsignedLong(answer.flags()) * 1_000L;
    }

    /** The worker could not open its shared-memory channel; the parent may retry it over pipes. */
    public static final int EXIT_SHM_UNAVAILABLE = 78;
    /** The worker was started without a usable OFFLOAD_CHANNEL / OFFLOAD_TOKEN. */
    public static final int EXIT_BAD_LAUNCH = 64;
    /** The parent disappeared while the worker was running. */
    public static final int EXIT_PARENT_GONE = 65;
    /** The channel broke (corrupt frame): the worker cannot continue. */
    public static final int EXIT_CHANNEL_BROKEN = 66;

    /** Whether {@code exitCode} is one of the codes above: the worker's JVM ran and chose to exit. */
    public static boolean isWorkerExitCode(int exitCode) {
        return exitCode == EXIT_SHM_UNAVAILABLE || exitCode == EXIT_BAD_LAUNCH || exitCode == EXIT_PARENT_GONE
                || exitCode == EXIT_CHANNEL_BROKEN;
    }

    private WorkerProtocol() {
    }
}
