package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /metrics over real HTTP against real worker JVMs: the pool's meters and the JVM's, in Prometheus text. */
@ExtendWith(NoLeftovers.class)
@Timeout(60)
class MetricsEndpointTest {
    private static final Pattern COMPLETED = Pattern.compile("(?m)^offload_jobs_total\\{outcome=\"completed\"} (\\S+)$");

    @RegisterExtension
    final ServerUnderTest underTest = new ServerUnderTest();

    @Test
    void shouldAnswerThePoolsAndTheJvmsMetersInPrometheusText() throws Exception {
        underTest.start(TestConfigs.oneWorker());
        for (int n = 20; n < 23; n++) {
            assertThat(underTest.http().post("/jobs/fib", "{\"n\": " + n + "}").status()).isEqualTo(200);
        }

        Http.Reply reply = underTest.http().get("/metrics");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        Matcher completed = COMPLETED.matcher(reply.body());
        assertThat(completed.find()).as(reply.body()).isTrue();
        assertThat(Double.parseDouble(completed.group(1))).isEqualTo(3.0);
        assertThat(reply.body())
                .containsPattern("(?m)^offload_job_duration_seconds\\{phase=\"total\",quantile=\"0.5\"} \\S+$")
                .containsPattern("(?m)^offload_workers\\{state=\"live\"} 1.0$")
                .containsPattern("(?m)^jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"} \\S+$")
                .containsPattern("(?m)^jvm_threads_live_threads \\S+$")
                .containsPattern("(?m)^system_cpu_count \\S+$")
                .doesNotContain("offload_cluster_members");
    }

    @Test
    void shouldRefuseAnythingButGet() throws Exception {
        underTest.start(TestConfigs.oneWorker());

        Http.Reply reply = underTest.http().send("POST", "/metrics", HttpRequest.BodyPublishers.ofString("x"));

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.header("Allow")).isEqualTo("GET");
    }

    /** Not a threshold: prints what a scrape costs, the reason it is rendered on the side thread. */
    @Test
    void shouldScrapeRepeatedlyAndPrintWhatAScrapeCosts() throws Exception {
        underTest.start(TestConfigs.oneWorker());
        underTest.http().post("/jobs/fib", "{\"n\": 10}");
        try (ServiceMetrics metrics = new ServiceMetrics(underTest.server().pool(), false)) {
            long[] micros = new long[200];
            int bytes = 0;
            for (int i = 0; i < micros.length; i++) {
                long start = System.nanoTime();
                bytes = metrics.scrape().length;
                micros[i] = (System.nanoTime() - start) / 1_000;
            }
            long first = micros[0];
            Arrays.sort(micros, 1, micros.length);
            System.out.printf("scrape of %d bytes: first %d µs, then median %d µs, max %d µs%n",
                    bytes, first, micros[micros.length / 2], micros[micros.length - 1]);
            assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8)).contains("offload_jobs_total");
        }
    }
}
