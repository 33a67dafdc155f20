package dev.offload.transport.shm;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps how many threads of this JVM busy-spin at once. A reader that cannot enter goes straight
 * to its doorbell instead of spinning.
 *
 * <p>Why: a spinning thread owns a core. With more spinners than cores the one that should see the
 * next message is descheduled behind the others, and a round trip that takes a microsecond when
 * every spinner has a core takes milliseconds (measured: three spinners on two cores). The shared
 * gate keeps one core free for the threads doing real work.
 *
 * <p>Thread-safe. {@link #tryEnter} / {@link #exit} must be paired in a {@code try/finally}.
 */
public final class SpinGate {
    private static final SpinGate SHARED =
            new SpinGate(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

    private final int permits;
    private final AtomicInteger spinning = new AtomicInteger();

    public SpinGate(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0 (got " + permits + ")");
        }
        this.permits = permits;
    }

    /** The gate every shm channel of this JVM uses: {@code max(1, availableProcessors - 1)} spinners. */
    public static SpinGate shared() {
        return SHARED;
    }

    /** True when the caller may spin; it must then call {@link #exit} when it stops. */
    public boolean tryEnter() {
        while (true) {
            int now = spinning.get();
            if (now >= permits) {
                return false;
            }
            if (spinning.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public void exit() {
        spinning.decrementAndGet();
    }

    public int permits() {
        return permits;
    }

    /** Threads spinning now; a snapshot for tests and stats. */
    public int spinning() {
        return spinning.get();
    }

    @Override
    public String toString() {
        return "SpinGate[" + spinning.get() + "/" + permits + "]";
    }
}
