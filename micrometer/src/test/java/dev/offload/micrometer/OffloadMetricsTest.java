package dev.offload.micrometer;

import dev.offload.pool.JobOptions;
import dev.offload.pool.NoLeftovers;
import dev.offload.pool.PoolRejectedException;
import dev.offload.pool.PoolStats;
import dev.offload.pool.TestPools;
import dev.offload.pool.WorkerCrashedException;
import dev.offload.pool.WorkerPool;
import dev.offload.pool.handlers.Echo;
import dev.offload.pool.handlers.Fail;
import dev.offload.pool.handlers.Halt;
import dev.offload.pool.handlers.Sleep;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The meters of a real pool, read through a {@link SimpleMeterRegistry}. */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffloadMetricsTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldCountEveryOutcomeOfThePoolsJobsAndTheRestartAfterACrash() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).maxAttempts(1).maxFrameBytes(64 * 1024).build())) {
            new OffloadMetrics(pool).bindTo(registry);
            for (int i = 0; i < 3; i++) {
                assertThat(pool.submit(Echo.class, "job " + i).join()).isEqualTo("job " + i);
            }
            catchThrowable(() -> pool.submit(Fail.class, "x").join());
            catchThrowable(() -> pool.submit(Sleep.class, 10_000L, JobOptions.defaults().withTimeout(Duration.ofMillis(200))).join());
            CompletableFuture<Long> cancelled = pool.submit(Sleep.class, 10_000L);
            await().until(() -> pool.stats().busy() == 1);
            cancelled.cancel(true);
            Throwable tooLarge = catchThrowable(() -> pool.submit(Echo.class, "x".repeat(100_000)).join());
            Throwable crashed = catchThrowable(() -> pool.submit(Halt.class, "poison").join());

            assertThat(tooLarge).hasCauseInstanceOf(PoolRejectedException.class);
            assertThat(crashed).hasCauseInstanceOf(WorkerCrashedException.class);
            await("the crashed worker's replacement").atMost(Duration.ofSeconds(30))
                    .until(() -> registry.get("offload.worker.restarts").functionCounter().count() == 1);
            await("the cancelled job to be counted").until(() -> jobs("cancelled") == 1);
            assertThat(jobs("completed")).isEqualTo(3);
            assertThat(jobs("failed")).as("the handler's error and the crashed job").isEqualTo(2);
            assertThat(jobs("timeout")).isEqualTo(1);
            assertThat(jobs("rejected")).isEqualTo(1);
            assertThat(registry.find("offload.jobs").tag("outcome", "crashed").meters())
                    .as("PoolStats does not count crashed jobs apart yet").isEmpty();
        }
    }

    @Test
    void shouldReportLiveAndBusyWorkersTheQueueAndDurationsOnEveryMeterWithTheCallersTags() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).build())) {
            new OffloadMetrics(pool, Tags.of("pool", "images")).bindTo(registry);
            await().until(() -> gauge("offload.workers", "state", "live") == 1);
            assertThat(gauge("offload.workers", "state", "busy")).isZero();

            CompletableFuture<Long> running = pool.submit(Sleep.class, 300L);
            await().until(() -> gauge("offload.workers", "state", "busy") == 1);
            CompletableFuture<String> waiting = pool.submit(Echo.class, "behind the sleep");
            await().until(() -> registry.get("offload.queue.size").gauge().value() == 1);
            running.join();
            waiting.join();
            await().until(() -> registry.get("offload.queue.size").gauge().value() == 0
                    && gauge("offload.workers", "state", "busy") == 0);

            await().until(() -> seconds("offload.job.duration.max", "total") >= 0.3);
            for (String phase : new String[] {"queue", "run", "total"}) {
                double p50 = quantileSeconds(phase, "0.5");
                double p90 = quantileSeconds(phase, "0.9");
                double p99 = quantileSeconds(phase, "0.99");
                double p999 = quantileSeconds(phase, "0.999");
                assertThat(p50).as(phase).isLessThanOrEqualTo(p90);
                assertThat(p90).as(phase).isLessThanOrEqualTo(p99);
                assertThat(p99).as(phase).isLessThanOrEqualTo(p999);
                assertThat(p999).as(phase).isLessThanOrEqualTo(seconds("offload.job.duration.max", phase));
            }
            assertThat(seconds("offload.job.duration.max", "run")).as("the sleep's run").isGreaterThanOrEqualTo(0.3);
            assertThat(seconds("offload.job.duration.max", "queue")).as("the echo waited behind the sleep").isPositive();

            assertThat(registry.getMeters()).hasSize(5 + 3 * 4 + 3 + 2 + 1 + 1)
                    .allSatisfy(m -> assertThat(m.getId().getTag("pool")).as(m.getId().getName()).isEqualTo("images"));
        }
    }

    @Test
    void shouldCountAsFailedOnlyTheJobsThatNeitherTimedOutNorWereCancelled() {
        assertThat(OffloadMetrics.handlerFailures(failures(7, 2, 1))).isEqualTo(4);
        // Read between a cancel's two increments: counted as cancelled, not yet as failed.
        assertThat(OffloadMetrics.handlerFailures(failures(2, 2, 1))).isZero();
    }

    private double jobs(String outcome) {
        return registry.get("offload.jobs").tag("outcome", outcome).functionCounter().count();
    }

    private double gauge(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).gauge().value();
    }

    private double quantileSeconds(String phase, String quantile) {
        return registry.get("offload.job.duration").tag("phase", phase).tag("quantile", quantile).timeGauge().value(TimeUnit.SECONDS);
    }

    private double seconds(String name, String phase) {
        return registry.get(name).tag("phase", phase).timeGauge().value(TimeUnit.SECONDS);
    }

    private static PoolStats failures(long failed, long timeouts, long cancelled) {
        return new PoolStats("pipe", 1, 0, 0, 0, failed, 0, 0, 0, timeouts, cancelled, false,
                PoolStats.Latency.EMPTY, PoolStats.Latency.EMPTY, PoolStats.Latency.EMPTY);
    }
}
