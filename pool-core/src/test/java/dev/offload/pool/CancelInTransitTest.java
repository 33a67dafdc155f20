package dev.offload.pool;

import dev.offload.pool.handlers.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cancel that lands while the reader role moves the job from the admission queue to a worker:
 * after the poll, before the send sets the job's worker. Replayed step by step on a real pool (the
 * race itself is a few instructions wide): the worker must still be told, and the job stop.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CancelInTransitTest {

    @Test
    void shouldStopAJobCancelledAfterItLeftTheQueueAndBeforeItReachedItsWorker() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).cancelGrace(Duration.ofSeconds(1)).build())) {
            CompletableFuture<Long> first = pool.submit(Sleep.class, 300L);      // holds the one worker's credit
            CompletableFuture<Long> inTransit = pool.submit(Sleep.class, 30_000L); // waits in the admission queue
            assertThat(pool.queue().size()).isEqualTo(1);

            Job job = pool.queue().poll();                  // what Dispatcher.refill does first...
            assertThat(inTransit.cancel(true)).isTrue();    // ...the cancel lands: neither queued nor on a worker
            assertThat(first.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(300L);
            WorkerLink link = pool.links()[0];
            await().until(link::hasCredit);
            assertThat(pool.dispatcher().send(link, job, true)).as("...then the send").isTrue();

            // Without the worker being told, the job would hold it for 30 s.
            await("the cancelled job to leave its worker").atMost(Duration.ofSeconds(10))
                    .until(() -> pool.stats().busy() == 0);
            assertThat(pool.stats().cancelled()).isEqualTo(1);
            assertThat(pool.stats().completed()).isEqualTo(1);
        }
    }
}
