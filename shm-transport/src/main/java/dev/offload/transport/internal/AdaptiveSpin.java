package dev.offload.transport.internal;

/**
 * How long a reader that found nothing should spin before it sleeps, learned from how long it
 * waited the last few times. A wake-up costs 5–20 µs on a small machine, more than a whole shm
 * round trip, so when work has been arriving within the cap the reader spins for the cap and a
 * steady caller never pays one; when it has not (an idle pool, jobs seconds apart) it does not spin
 * at all, so idleness costs no CPU.
 *
 * <p>Single-threaded: owned by one reader role.
 */
public final class AdaptiveSpin {
    private static final int HISTORY = 4;
    /** Of the last {@value #HISTORY} waits, how many must have been within the cap to spin. */
    private static final int SHORT_WAITS_TO_SPIN = 2;

    private final long capNanos;
    private final long[] recent = new long[HISTORY];
    private int next;

    /** @param capNanos the longest spin; 0 never spins */
    public AdaptiveSpin(long capNanos) {
        if (capNanos < 0) {
            throw new IllegalArgumentException("capNanos must be >= 0 (got " + capNanos + ")");
        }
        this.capNanos = capNanos;
        java.util.Arrays.fill(recent, Long.MAX_VALUE); // nothing learned yet: sleep until waits prove short
    }

    /** Work arrived after the reader had waited this long (spinning and sleeping together). */
    public void record(long waitedNanos) {
        recent[next] = waitedNanos;
        next = (next + 1) % HISTORY;
    }

    /** How long to spin now before sleeping. */
    public long budgetNanos() {
        if (capNanos == 0) {
            return 0;
        }
        int shortWaits = 0;
        for (long waited : recent) {
            if (waited <= capNanos) {
                shortWaits++;
            }
        }
        return shortWaits >= SHORT_WAITS_TO_SPIN ? capNanos : 0;
    }

    public long capNanos() {
        return capNanos;
    }
}
