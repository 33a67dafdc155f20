package dev.offload.pool;

/**
 * The supervisor's rule for marking the spin gate busy: only when two samples in a row found every
 * core taken. One sample counts whatever happened to be runnable at that instant (a reader woken for
 * a moment, the sampling thread itself, a kernel thread), and a mark lasts a whole tick, in which no
 * reader spins and every job costs its worker a wake-up. Measured with 500,000 sequential
 * {@code get()}s (one caller, one worker: two running threads on two cores), 1.5-4.3 % of the jobs
 * ran under a one-sample mark, 0.3-0.7 % under a two-sample one.
 *
 * <p>Threading: the supervisor's thread only.
 */
final class BusyMark {
    private boolean takenLastSample;

    /** A sample of the run queue ({@code allCoresTaken}); returns whether the gate should be marked busy. */
    boolean sample(boolean allCoresTaken) {
        boolean mark = allCoresTaken && takenLastSample;
        takenLastSample = allCoresTaken;
        return mark;
    }

    /** The pool went idle: the next burst starts with no sample behind it. */
    void reset() {
        takenLastSample = false;
    }
}
