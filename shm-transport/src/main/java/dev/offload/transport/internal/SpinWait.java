package dev.offload.transport.internal;

import dev.offload.transport.internal.shm.SpinGate;

import java.io.IOException;

/**
 * The one way a reader waits a little before it sleeps: poll, yield the core, poll again, until
 * something arrives or the budget is spent, and only while the spin gate has room.
 *
 * <p>Yield rather than {@code Thread.onSpinWait()}: on a small machine the thread being waited for
 * (the peer, a caller being woken) is often queued on this very core, and a busy spinner keeps it
 * off for the whole spin. Measured on 2 vCPUs, one worker, sequential no-op jobs: p50 21 µs
 * yielding against 60–90 µs busy-spinning.
 */
public final class SpinWait {

    /** One look for work: the work, or null for none yet. */
    @FunctionalInterface
    public interface Poll<T> {
        T poll() throws IOException;
    }

    private SpinWait() {
    }

    /**
     * Polls until {@code poll} answers non-null or {@code budgetNanos} have passed; returns the
     * answer or null. Does not poll at all when the budget is 0 or {@code gate} is full.
     */
    public static <T> T spin(Poll<T> poll, long budgetNanos, SpinGate gate) throws IOException {
        if (budgetNanos <= 0 || !gate.tryEnter()) {
            return null;
        }
        try {
            long deadline = System.nanoTime() + budgetNanos;
            do {
                Thread.yield();
                T found = poll.poll();
                if (found != null) {
                    return found;
                }
            } while (System.nanoTime() - deadline < 0);
            return null;
        } finally {
            gate.exit();
        }
    }
}
