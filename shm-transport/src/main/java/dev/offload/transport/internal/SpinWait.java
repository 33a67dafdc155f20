package dev.offload.transport.internal;

import dev.offload.transport.internal.shm.SpinGate;

import java.io.IOException;

/**
 * The one way a reader waits a little before it sleeps: poll, pause, poll again, until something
 * arrives or the budget is spent, and only while the spin gate has room. The pause is an idle
 * strategy in two steps ({@link #pause}): a busy spin ({@code Thread.onSpinWait}) for the first
 * {@link #BUSY_SPIN_NANOS}, then {@code Thread.yield} for the rest.
 *
 * <p>Why both. An answer to a short job comes within a few microseconds, and a yield is a system
 * call (1.3 µs on a 2-vCPU PVM guest), so yielding from the start makes every round trip wait for
 * the yield in progress: {@code get()} from a plain {@code main}, sequential no-op jobs, 500,000
 * after 400,000 of warm-up, p50 4.7-5.0 µs and p90 13.6-14.3 µs yielding, against 1.4-2.6 and
 * 1.8-4.0 µs with this busy spin first (BENCHMARKS.md, 2026-12-01). But on a small machine the
 * thread being waited for (the peer, a caller being woken) may be queued on this very core, and a
 * thread that only busy-spins keeps it off for the whole spin (measured on 2 vCPUs, one worker: p50
 * 21 µs yielding against 60-90 µs busy-spinning). After a few microseconds without an answer that
 * is the likelier case, so the spinner yields from then on.
 */
public final class SpinWait {
    /** How long a spin busy-spins before it yields: a short job's answer comes within it. */
    public static final long BUSY_SPIN_NANOS = 10_000L;

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
            long start = System.nanoTime();
            long now = start;
            do {
                pause(now - start);
                T found = poll.poll();
                if (found != null) {
                    return found;
                }
                now = System.nanoTime();
            } while (now - start < budgetNanos);
            return null;
        } finally {
            gate.exit();
        }
    }

    /**
     * One pause of a spin that has gone on for {@code spunNanos}: a busy-spin hint for the first
     * {@link #BUSY_SPIN_NANOS}, a yield of the core after. Not on an event loop (BlockHound counts
     * both as waiting).
     */
    public static void pause(long spunNanos) {
        if (spunNanos < BUSY_SPIN_NANOS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
