package dev.offload.worker.internal;

/**
 * Ends the worker when its parent process is gone ({@code offload-parent-watchdog}, polling). The
 * channel's end of stream covers a parent that dies while the worker waits for a job; this covers
 * one that dies while a job runs. Before it halts the JVM it runs what the worker asked it to
 * ({@link #beforeExit}: the shm directory's clean-up, since a parent killed with -9 cannot).
 */
final class ParentWatchdog {
    static final long CHECK_INTERVAL_MILLIS = 500;

    private final ProcessHandle parent;
    private final long parentPid;
    private volatile Runnable beforeExit = () -> { };

    private ParentWatchdog(long parentPid) {
        this.parentPid = parentPid;
        this.parent = parentPid < 0 ? null : ProcessHandle.of(parentPid).orElse(null);
    }

    /** Watches the process {@code parentPidText} names; with no pid, a watchdog that never fires. */
    static ParentWatchdog start(String parentPidText) {
        if (parentPidText == null) {
            return new ParentWatchdog(-1);
        }
        ParentWatchdog watchdog = new ParentWatchdog(Long.parseLong(parentPidText.trim()));
        Thread thread = new Thread(watchdog::watch, "offload-parent-watchdog");
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
            try {
                Thread.sleep(CHECK_INTERVAL_MILLIS); // a polling interval, not synchronisation
            } catch (InterruptedException e) {
                return;
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
