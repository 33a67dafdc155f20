package dev.offload.worker.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The worker's watch thread ({@code offload-watch}, polling): ends the worker when its
 * parent process is gone, and sends the running job's heartbeats ({@link #watchBeats}). The
 * channel's end of stream covers a parent that dies while the worker waits for a job; this covers
 * one that dies while a job runs (checked every heartbeat interval then), and, as a safety net,
 * every {@link #IDLE_CHECK_NANOS} while the worker is idle and the thread dozes. Before it halts
 * the JVM it runs what the worker asked it to ({@link #beforeExit}: the shm directory's clean-up,
 * since a parent killed with -9 cannot).
 */
final class ParentWatchdog {
    /** How often the parent is checked before the worker's loop starts. */
    static final long CHECK_INTERVAL_NANOS = 500_000_000L;
    /** The longest doze of an idle worker's watch thread. */
    static final long IDLE_CHECK_NANOS = 2_000_000_000L;

    private final ProcessHandle parent;
    private final long parentPid;
    private volatile Runnable beforeExit = () -> { };
    private volatile Heartbeat beats;

    private ParentWatchdog(long parentPid) {
        this.parentPid = parentPid;
        this.parent = parentPid < 0 ? null : ProcessHandle.of(parentPid).orElse(null);
    }

    /**
     * Watches the process {@code parentPidText} names; with no pid, a watchdog whose thread only
     * sends heartbeats.
     */
    static ParentWatchdog start(String parentPidText) {
        ParentWatchdog watchdog = new ParentWatchdog(parentPidText == null ? -1 : Long.parseLong(parentPidText.trim()));
        Thread thread = new Thread(watchdog::watch, "offload-watch");
        thread.setDaemon(true);
        thread.start();
        return watchdog;
    }

    long parentPid() {
        return parentPid;
    }

    void beforeExit(Runnable action) {
        beforeExit = action;
    }

    /** From now on this thread sends {@code heartbeat}'s beats, and dozes while it has none to send. */
    void watchBeats(Heartbeat heartbeat) {
        beats = heartbeat;
    }

    /**
     * The pid check guards against pid reuse: after the parent dies we are re-parented, so our
     * parent pid changes even if a new process takes the old number.
     */
    boolean parentGone() {
        return parentPid >= 0 && (parent == null || !parent.isAlive()
                || ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != parentPid);
    }

    private void watch() {
        while (!parentGone()) {
            Heartbeat heartbeat = beats;
            LockSupport.parkNanos(this, heartbeat == null ? CHECK_INTERVAL_NANOS : heartbeat.intervalNanos());
            if (parentGone()) {
                break;
            }
            if (heartbeat != null && !heartbeat.beatIfBusy()) {
                heartbeat.doze(IDLE_CHECK_NANOS); // no job runs: until one starts
            }
        }
        System.err.println("offload worker: parent process " + parentPid + " is gone, exiting");
        try {
            beforeExit.run();
        } finally {
            Runtime.getRuntime().halt(WorkerProtocol.EXIT_PARENT_GONE);
        }
    }
}
