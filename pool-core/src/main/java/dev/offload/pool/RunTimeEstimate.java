package dev.offload.pool;

/**
 * Reader role: one worker's typical handler run time, from the run times its answers report, for
 * its credit ({@link WorkerLink}). A smoothed average (each new value weighs a quarter) of the
 * median of the last three reports: a report inflated once, by the worker losing its core in the
 * middle of a job (workers run below the caller's priority, and on a busy machine a few microseconds
 * of work now and then take a few hundred), leaves the estimate alone; two long jobs in a row move
 * it, and a run of them takes it to their length within a few answers.
 */
final class RunTimeEstimate {
    private long estimate = -1;
    private long last = -1;
    private long beforeLast = -1;

    /** Takes the run time one answer reported; returns the new estimate, in nanoseconds. */
    long learn(long runNanos) {
        long sample = beforeLast < 0 ? runNanos : median(runNanos, last, beforeLast);
        beforeLast = last;
        last = runNanos;
        estimate = estimate < 0 ? sample : estimate + (sample - estimate) / 4;
        return estimate;
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
