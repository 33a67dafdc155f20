package dev.offload.pool;

import dev.offload.pool.handlers.Sleep;
import dev.offload.pool.handlers.Square;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every job is counted once, as the outcome the pool decided first. A cancel that reaches a future
 * whose result or timeout is decided but not yet delivered (it waits for its executor) still cancels
 * the future, but is not counted; a cluster host sees this when the submitter's cancel crosses the
 * host's own timer. A cancel that completed the future first is the outcome, however late its hook runs.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CountOnceTest {
    private static final String COUNTS = "completed, timeouts, cancelled, failed";
    /** Holds completions until the test runs them: the window between decision and delivery, held open. */
    private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    private final JobOptions heldBack = JobOptions.defaults().withExecutor(held::add);

    @Test
    void shouldCountATimeoutOnceWhenItsCallerCancelsBeforeItIsDelivered() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).build())) {
            cancelBetweenDecisionAndDelivery(pool.submit(Sleep.class, 60_000L, heldBack.withTimeout(Duration.ofMillis(200))));

            assertThat(counts(pool)).as(COUNTS).containsExactly(0L, 1L, 0L, 1L);
        }
    }

    @Test
    void shouldCountAResultOnceWhenItsCallerCancelsBeforeItIsDelivered() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).build())) {
            cancelBetweenDecisionAndDelivery(pool.submit(Square.class, 7L, heldBack));

            assertThat(counts(pool)).as(COUNTS).containsExactly(1L, 0L, 0L, 0L);
        }
    }

    @Test
    void shouldLeaveTheOutcomeToACancelThatCompletedTheFutureBeforeItsHookRan() {
        JobFuture<Object> future = new JobFuture<>();
        Job job = new Job(1, 1, Square.class.getName(), new byte[0], null, 0, 1, Duration.ZERO, null, null, future);

        future.cancel(true); // no hook: as if the pool's onCancel had not run yet

        assertThat(job.decide()).as("a timeout or result arriving now").isFalse();
        assertThat(job.decideCancelled()).as("the cancel's hook, running late").isTrue();
    }

    /** Cancels {@code job} once the pool has decided its outcome and that outcome waits for its executor. */
    private void cancelBetweenDecisionAndDelivery(CompletableFuture<?> job) {
        await("the outcome decided, its delivery held").atMost(Duration.ofSeconds(10)).until(() -> !held.isEmpty());
        assertThat(job.cancel(true)).isTrue();
        assertThat(held).as("completions held back").hasSize(1);
        held.poll().run();
        assertThat(job).isCancelled();
    }

    private static List<Long> counts(WorkerPool pool) {
        PoolStats stats = pool.stats();
        return List.of(stats.completed(), stats.timeouts(), stats.cancelled(), stats.failed());
    }
}
