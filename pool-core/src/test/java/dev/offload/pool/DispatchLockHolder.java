package dev.offload.pool;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Another thread holds a worker link's dispatch lock until {@link #release}: every dispatch to
 * that worker is refused meanwhile, as when a send races another (a thread of the test's own would
 * not do: the lock is reentrant).
 */
final class DispatchLockHolder implements AutoCloseable {
    private final CountDownLatch locked = new CountDownLatch(1);
    private final CountDownLatch unlock = new CountDownLatch(1);
    private final Thread holder;

    /** Returns once the lock is held. */
    DispatchLockHolder(WorkerLink link) throws InterruptedException {
        holder = new Thread(() -> {
            link.dispatchLockForTest().lock();
            try {
                locked.countDown();
                unlock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                link.dispatchLockForTest().unlock();
            }
        }, "dispatch-lock-holder");
        holder.start();
        if (!locked.await(10, TimeUnit.SECONDS)) {
            unlock.countDown();
            throw new IllegalStateException("the dispatch lock was not taken within 10 s");
        }
    }

    /** Lets the lock go and waits for the holding thread to end; idempotent. */
    void release() throws InterruptedException {
        unlock.countDown();
        holder.join(10_000);
    }

    @Override
    public void close() throws InterruptedException {
        release();
    }
}
