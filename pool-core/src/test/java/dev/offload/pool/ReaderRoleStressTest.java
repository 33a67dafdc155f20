package dev.offload.pool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReaderRole} on real threads, on the real JVM memory model: four threads take the role,
 * read, run callbacks and steal from one another for about two seconds. Where the model checker
 * (ReaderRoleLincheckTest) explores interleavings of a few steps under sequential consistency,
 * this runs millions of hand-offs with the JIT's and the CPU's reorderings.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReaderRoleStressTest {
    private static final int THREADS = 4;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ReaderRole role = new ReaderRole();
    /** Threads reading right now: between taking the role (or getting it back) and a release or a callback. */
    private final AtomicInteger reading = new AtomicInteger();
    /**
     * Role-owned, deliberately plain: only the role's CASes order its accesses, so two readers at
     * once, or a holder that did not see its predecessor's writes, would lose an advance.
     */
    private long position;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong steals = new AtomicLong();
    private final AtomicLong callbacksStolen = new AtomicLong();
    private final AtomicLong callbacksKept = new AtomicLong();
    private final AtomicReference<String> firstViolation = new AtomicReference<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS, new NamedThreads());

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldNeverLetTwoThreadsReadAtOnce() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            running.add(threads.submit(() -> {
                start.await();
                hammer(System.nanoTime() + RUN_NANOS);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : running) {
            f.get(20, TimeUnit.SECONDS);
        }

        System.out.printf("%d reads, %d callbacks kept, %d stolen%n", reads.get(), callbacksKept.get(), steals.get());
        assertThat(firstViolation.get()).isNull();
        assertThat(reading.get()).isZero();
        assertThat(role.isFree()).as("role after every thread stopped: %s", role).isTrue();
        assertThat(position).as("every read advanced the position once").isEqualTo(reads.get());
        assertThat(callbacksStolen.get()).as("every steal is noticed by the one it stole from").isEqualTo(steals.get());
        // The run proves something only if every kind of hand-off happened, and often.
        assertThat(reads.get()).isGreaterThan(10_000);
        assertThat(callbacksKept.get()).isGreaterThan(1_000);
        assertThat(steals.get()).isPositive();
    }

    /** One thread: mostly a holder (the reader thread, a leading caller), sometimes a rescuer. */
    private void hammer(long until) {
        ReaderRole.Holder me = ReaderRole.mine();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() - until < 0 && firstViolation.get() == null) {
            if (random.nextInt(8) == 0) {
                if (role.steal(me, System.nanoTime())) { // from whoever entered a callback before now
                    steals.incrementAndGet();
                    startReading(me, "stole the role");
                    read();
                    release(me);
                }
            } else if (role.tryAcquire(me)) {
                startReading(me, "took the role");
                read();
                if (random.nextBoolean() && !callback(me, random)) {
                    continue; // stolen during the callback: this thread must not touch the role again
                }
                read();
                release(me);
            }
        }
    }

    /** PoolReader.handle: user code runs in CALLBACK, not reading. False when the role was stolen meanwhile. */
    private boolean callback(ReaderRole.Holder me, ThreadLocalRandom random) {
        stopReading();
        role.enterCallback(me);
        // User code that takes a moment, so that rescuers find someone to steal from.
        for (int i = random.nextInt(200); i > 0; i--) {
            Thread.onSpinWait();
        }
        if (!role.exitCallback(me)) {
            callbacksStolen.incrementAndGet();
            if (role.isHeldBy(me)) {
                violation(Thread.currentThread().getName() + " was told the role was stolen, yet holds it: " + role);
            }
            return false;
        }
        callbacksKept.incrementAndGet();
        startReading(me, "got the role back from its callback");
        return true;
    }

    private void read() {
        position++;
        reads.incrementAndGet();
    }

    private void release(ReaderRole.Holder me) {
        stopReading();
        try {
            role.release(me);
        } catch (IllegalStateException e) {
            violation(Thread.currentThread().getName() + " could not release a role it held: " + e.getMessage());
        }
    }

    private void startReading(ReaderRole.Holder me, String how) {
        int now = reading.incrementAndGet();
        if (now != 1) {
            violation(Thread.currentThread().getName() + " " + how + " while " + (now - 1) + " other thread(s) read (role " + role + ")");
        }
    }

    private void stopReading() {
        reading.decrementAndGet();
    }

    private void violation(String message) {
        firstViolation.compareAndSet(null, message);
    }

    private static final class NamedThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger number = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            return new Thread(r, "offload-test-role-" + number.incrementAndGet());
        }
    }
}
