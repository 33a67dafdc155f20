package dev.offload.pool;

/** Reads a pool's internal counters for tests in other modules. */
public final class PoolProbe {
    private PoolProbe() {
    }

    /** Times the pool's reader thread woke to a doorbell or a request (not its safety net). */
    public static long readerWakeups(WorkerPool pool) {
        return pool.counters().readerWakeups.sum();
    }

    /** Times an attached answer loop left a worker's answers to the reader thread, reading them might have waited. */
    public static long readsLeftToReaderThread(WorkerPool pool) {
        return pool.counters().readsLeftToReaderThread.sum();
    }

    /** Times an attached answer loop heard a doorbell. */
    public static long loopWakeups(WorkerPool pool) {
        return pool.counters().loopWakeups.sum();
    }

    /** Answers an attached loop caught by sweeping on after a job it submitted, with no doorbell rung. */
    public static long loopSweepsCaught(WorkerPool pool) {
        return pool.counters().loopSweepsCaught.sum();
    }
}
