package dev.offload.worker;

/**
 * Ends the worker when its parent process is gone. The channel's end of stream covers a parent
 * that dies while the worker waits for a job; this covers one that dies while a job runs.
 */
final class ParentWatchdog {
    static final long CHECK_INTERVAL_MILLIS = 500;

    private ParentWatchdog() {
    }

    static void start(String parentPidText) {
        if (parentPidText == null) {
            return;
        }
        long parentPid = Long.parseLong(parentPidText.trim());
        ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
        Thread thread = new Thread(() -> watch(parent, parentPid), "offload-parent-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    private static void watch(ProcessHandle parent, long parentPid) {
        while (true) {
            // The pid check guards against pid reuse: after the parent dies we are re-parented, so
            // our parent pid changes even if a new process takes the old number.
            boolean alive = parent != null && parent.isAlive()
                    && ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parentPid;
            if (!alive) {
                System.err.println("offload worker: parent process " + parentPid + " is gone, exiting");
                Runtime.getRuntime().halt(WorkerProtocol.EXIT_PARENT_GONE);
            }
            try {
                Thread.sleep(CHECK_INTERVAL_MILLIS); // a polling interval, not synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
