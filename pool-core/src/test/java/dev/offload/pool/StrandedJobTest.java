package dev.offload.pool;

import dev.offload.pool.handlers.Echo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job that every dispatch refused while nothing was in flight (the worker's dispatch lock held
 * elsewhere for a moment) has no answer coming to retry it: the supervisor's tick asks for a
 * dispatch again, so the job runs once the worker can take it, instead of waiting for the next
 * submit.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StrandedJobTest {

    @ParameterizedTest
    @ValueSource(strings = {"shm", "pipe"})
    void shouldRunAJobEveryDispatchRefusedOnceTheWorkerCanTakeIt(String transport) throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            assertThat(pool.submit(Echo.class, "warm").get(30, TimeUnit.SECONDS)).isEqualTo("warm");
            WorkerLink link = pool.links()[0];
            try (DispatchLockHolder holder = new DispatchLockHolder(link)) {
                long nudgesBefore = pool.counters().dispatchNudges.sum();
                CompletableFuture<String> stranded = pool.submit(Echo.class, "stranded");
                assertThat(pool.stats().queued()).as("submit could not send it").isEqualTo(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> pool.counters().dispatchNudges.sum() > nudgesBefore);
                assertThat(stranded).isNotDone();
                holder.release();
                assertThat(stranded.get(30, TimeUnit.SECONDS)).isEqualTo("stranded");
            }
        }
    }
}
