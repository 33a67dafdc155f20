package dev.offload.pool;

import dev.offload.pool.handlers.Square;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Where futures complete, and that a callback that blocks holds up nobody else's result. */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompletionTest {

    @Test
    void aCallbackThatBlocksOnTheReaderShouldNotHoldUpOtherJobsResults() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 2).build())) {
            assertThat(pool.submit(Square.class, 2L).join()).isEqualTo(4L);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch entered = new CountDownLatch(1);
            Thread test = Thread.currentThread();
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            // A job of 100 ms, so that the callback is attached before the job completes: a job
            // that completed first would run it here, on the test's thread (seen once in .ci/run
            // with a job of microseconds), which must then not block.
            CompletableFuture<Long> blocking = pool.submit(dev.offload.pool.handlers.Sleep.class, 100L).thenApply(v -> {
                ranOn.set(Thread.currentThread());
                entered.countDown();
                if (Thread.currentThread() == test) {
                    return v;
                }
                try {
                    release.await(); // a callback that blocks, on the thread that completed the job
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return v;
            });
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn.get()).as("the callback ran on the thread that completed the job, not the test's")
                    .isNotSameAs(test);
            List<CompletableFuture<Long>> others = new ArrayList<>();
            for (long i = 0; i < 500; i++) {
                others.add(pool.submit(Square.class, i));
            }
            for (int i = 0; i < others.size(); i++) {
                assertThat(others.get(i).get(30, TimeUnit.SECONDS)).isEqualTo((long) i * i);
            }
            assertThat(blocking).isNotDone();
            release.countDown();
            assertThat(blocking.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(100L);
        }
    }

    @Test
    void directCompletionShouldRunDependentStagesOnTheReaderThreadWhenNobodyWaits() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            assertThat(pool.config().completion()).isEqualTo("direct");
            CountDownLatch done = new CountDownLatch(1);
            String[] thread = new String[1];
            pool.submit(dev.offload.pool.handlers.Sleep.class, 20L).whenComplete((v, e) -> {
                thread[0] = Thread.currentThread().getName();
                done.countDown();
            });
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(thread[0]).startsWith("offload-reader-");
        }
    }
}
