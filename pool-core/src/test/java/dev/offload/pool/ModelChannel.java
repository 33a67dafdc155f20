package dev.offload.pool;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker's answer channel, reduced to what the wake-up protocol reads and writes
 * ({@code ShmChannel}, its {@code ControlBlock} sleeping flag, its {@code Doorbell}).
 */
final class ModelChannel {
    /** Frames the worker has appended: the queue's write position. */
    final AtomicInteger appended = new AtomicInteger();
    /** Role-owned, deliberately plain like a tailer's position: frames the parent has polled. */
    int polled;
    /** ControlBlock's sleeping flag for this direction: 1 once the reader announced it sleeps. */
    final AtomicInteger sleeping = new AtomicInteger();
    /** Doorbell bytes written and not drained: the doorbell is readable while this is above 0. */
    final AtomicInteger rings = new AtomicInteger();
    /** WorkerLink.gone: the worker process has exited (it sends nothing after). */
    volatile boolean gone;
    /** Role-owned: WorkerLink.reaped, out of service; no sweep or release looks at it again. */
    boolean reaped;

    /** ShmChannel.send/trySend: append, then ringIfAsleep. */
    void send() {
        appended.incrementAndGet();                                  // ShmChannel.append (Chronicle publishes the frame)
        VarHandle.fullFence();                                       // ShmChannel.ringIfAsleep: the writer's Dekker fence
        if (sleeping.get() == 1 && sleeping.compareAndSet(1, 0)) {   // ControlBlock.claimSleeper
            rings.incrementAndGet();                                 // Doorbell.ring
        }
    }

    /** ShmChannel.poll, for the role holder. */
    boolean poll() {
        if (polled < appended.get()) {
            polled++;
            return true;
        }
        return false;
    }

    /**
     * ShmChannel.prepareSleep: announce, then look again. A frame found stays for the next poll
     * (the real one keeps it as its look-ahead), so here the look does not consume it.
     */
    boolean prepareSleep() {
        sleeping.compareAndSet(0, 1);        // ControlBlock.announceSleep (a flag already set stays in force)
        if (polled < appended.get()) {       // the re-check poll
            sleeping.compareAndSet(1, 0);    // ControlBlock.cancelSleep
            return false;
        }
        return true;
    }

    /** ShmChannel.cancelSleep. */
    void cancelSleep() {
        sleeping.compareAndSet(1, 0);
    }

    /** Doorbell.drain: reads every byte written so far. */
    void drain() {
        rings.set(0);
    }

    boolean rung() {
        return rings.get() > 0;
    }

    @Override
    public String toString() {
        return "appended " + appended.get() + ", polled " + polled + ", sleeping " + sleeping.get() + ", rings " + rings.get()
                + (reaped ? ", reaped" : gone ? ", gone" : "");
    }
}
