package dev.offload.micrometer;

import dev.offload.pool.NoLeftovers;
import dev.offload.pool.TestPools;
import dev.offload.pool.WorkerPool;
import dev.offload.pool.handlers.Echo;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What {@code GET /metrics} would answer: the Prometheus text of a pool's meters. */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusScrapeTest {

    @Test
    void shouldScrapeCompletedJobsAndDurationPercentilesInPrometheusText() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).build())) {
            new OffloadMetrics(pool, Tags.of("pool", "test")).bindTo(registry);
            for (int i = 0; i < 20; i++) {
                pool.submit(Echo.class, "job " + i).join();
            }
            await().until(() -> registry.scrape().contains("outcome=\"completed\",pool=\"test\"} 20"));
            String text = registry.scrape();

            assertThat(value(text, "offload_jobs_total\\{outcome=\"completed\",pool=\"test\"}")).isEqualTo(20);
            assertThat(text).contains("# TYPE offload_jobs_total counter")
                    .contains("# TYPE offload_job_duration_seconds gauge")
                    .contains("# TYPE offload_workers gauge")
                    .contains("# HELP offload_workers Workers by state: live = started and not yet dead, busy = holding at least one job")
                    .contains("offload_worker_restarts_total{pool=\"test\"} 0")
                    .contains("offload_queue_size{pool=\"test\"} 0")
                    .doesNotContain("outcome=\"crashed\"");
            assertThat(value(text, "offload_workers\\{pool=\"test\",state=\"live\"}")).isEqualTo(1);
            for (String phase : new String[] {"queue", "run", "total"}) {
                for (String quantile : new String[] {"0.5", "0.9", "0.99", "0.999"}) {
                    assertThat(value(text, "offload_job_duration_seconds\\{phase=\"" + phase + "\",pool=\"test\",quantile=\""
                            + Pattern.quote(quantile) + "\"}")).isGreaterThanOrEqualTo(0);
                }
            }
            double totalP50 = value(text, "offload_job_duration_seconds\\{phase=\"total\",pool=\"test\",quantile=\"0\\.5\"}");
            assertThat(totalP50).as("a round trip takes microseconds, not seconds").isPositive().isLessThan(1);
            assertThat(value(text, "offload_job_duration_max_seconds\\{phase=\"total\",pool=\"test\"}")).isGreaterThanOrEqualTo(totalP50);
        } finally {
            registry.close();
        }
    }

    /** The value of the one line that starts with {@code series}, a regular expression. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(text);
        assertThat(m.find()).as(series + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
