package dev.offload.pool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool's own reader thread ({@code offload-reader}): holds the reader role whenever no waiting
 * caller does, reads with {@link PoolReader#readUntilIdle}, and sleeps on every worker's doorbell at
 * once when there is nothing to read.
 *
 * <p>At most one is the designated reader: the one that sleeps on the selector. When a holder's
 * user code runs too long, the supervisor starts a new one ({@link #rescue}) that steals the role
 * and becomes the designated reader; the old thread, once its user code returns, sees the role is
 * no longer its own and ends.
 */
final class ReaderThread implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReaderThread.class);
    private static final AtomicInteger NUMBER = new AtomicInteger();
    /** How long to wait before trying again for a role an attached loop holds. */
    private static final long RETRY_NANOS = 50_000;

    private final WorkerPool pool;
    private final PoolReader reader;
    private final Thread thread;
    /** For a rescuer: it steals the role from a holder in user code since before this nanoTime; 0 for the first reader. */
    private final long stalledBefore;

    private ReaderThread(WorkerPool pool, PoolReader reader, long stalledBefore) {
        this.pool = pool;
        this.reader = reader;
        this.stalledBefore = stalledBefore;
        this.thread = new Thread(this, "offload-reader-" + NUMBER.incrementAndGet());
        this.thread.setDaemon(true);
    }

    static ReaderThread start(WorkerPool pool, PoolReader reader) {
        ReaderThread t = new ReaderThread(pool, reader, 0);
        pool.designate(t);
        t.thread.start();
        return t;
    }

    /**
     * Starts a reader thread that takes the role from a holder stuck in user code since before
     * {@code stalledBefore}, and becomes the designated reader. Returns null (and starts nothing)
     * when the stall is already over.
     */
    static ReaderThread rescue(WorkerPool pool, PoolReader reader, long stalledBefore) {
        ReaderThread t = new ReaderThread(pool, reader, stalledBefore);
        synchronized (reader) {
            if (reader.role.stalledSince(stalledBefore) == null) {
                return null;
            }
            pool.designate(t);
        }
        t.thread.start();
        reader.wakeUp(); // the previous designated reader may sleep on the selector: let it see it is replaced
        return t;
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        ReaderRole.Holder me = ReaderRole.mine();
        if (stalledBefore != 0 && !reader.role.steal(me, stalledBefore)) {
            LOG.debug("{}: the stalled callback returned before the rescue", thread.getName());
        } else if (stalledBefore != 0 && !reader.readUntilIdle(me)) {
            return;
        }
        while (pool.designated() == this && !pool.isReleased()) {
            try {
                if (!reader.role.tryAcquire(me)) {
                    if (reader.waitingWorkWanted()) {
                        // An attached loop left us a send or a read that may wait, and still holds the role
                        // (it never spins: it lets go within microseconds, or a rescue steals it).
                        LockSupport.parkNanos(this, RETRY_NANOS);
                        continue;
                    }
                    // What woke us is the holder's to read, but the holder may have armed that
                    // channel already and be about to let go, so the ring came to us. A dispatch
                    // request makes it sweep again after it lets go (or wakes us if it has).
                    reader.requestDispatch();
                } else if (!reader.readUntilIdle(me)) {
                    // Stolen while user code ran: a rescuer reads now. If it is designated, we end.
                    continue;
                }
                if (pool.designated() == this) {
                    reader.sleep();
                }
            } catch (IOException | RuntimeException e) {
                if (pool.isReleased()) {
                    return;
                }
                LOG.error("{}: reading failed; going on", thread.getName(), e);
            }
        }
        if (!pool.isReleased()) {
            // Replaced by a rescuer: our last sleep may have drained a doorbell whose frame we will
            // not read. Hand the wake-up on to the designated reader.
            reader.requestDispatch();
        }
    }
}
