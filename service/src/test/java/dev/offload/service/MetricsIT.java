package dev.offload.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's done-when for {@code /metrics}: after a few {@code POST /jobs/fib} to a real
 * {@code bin/offload serve}, {@code GET /metrics} shows the completed jobs, the job durations and
 * the JVM's meters, as Prometheus text.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsIT {
    private static final Pattern COMPLETED = Pattern.compile("(?m)^offload_jobs_total\\{outcome=\"completed\"} (\\S+)$");

    @RegisterExtension
    final ServeProcesses services = new ServeProcesses();

    @TempDir
    Path dir;

    @Test
    void shouldShowCompletedJobsTheirDurationsAndTheJvmAfterAFewJobs() throws Exception {
        Path config = Files.writeString(dir.resolve("offload.yaml"), """
                workers: { min: 1, max: 1, heap: 64m, startTimeout: 60s, jvmArgs: %s }
                handlers:
                  fib: dev.offload.service.demo.Fibonacci
                """.formatted(services.workerJvmArgs()));
        ServeProcess service = services.start(dir, "serve", "--config", config.toString());
        for (int n = 20; n < 25; n++) {
            assertThat(service.http().post("/jobs/fib", "{\"n\": " + n + "}").status()).isEqualTo(200);
        }

        Http.Reply reply = service.http().get("/metrics");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        String text = reply.body();
        List<String> shown = text.lines()
                .filter(l -> l.startsWith("offload_jobs_total") || l.startsWith("offload_job_duration_seconds{phase=\"total\"")
                        || l.startsWith("jvm_memory_used_bytes{area=\"heap\"") || l.startsWith("jvm_threads_live"))
                .toList();
        System.out.println("GET /metrics after 5 POST /jobs/fib (" + text.length() + " bytes), some lines:\n  "
                + String.join("\n  ", shown));
        Matcher completed = COMPLETED.matcher(text);
        assertThat(completed.find()).as(text).isTrue();
        assertThat(Double.parseDouble(completed.group(1))).isEqualTo(5.0);
        assertThat(text)
                .containsPattern("(?m)^offload_job_duration_seconds\\{phase=\"run\",quantile=\"0.99\"} \\S+$")
                .containsPattern("(?m)^offload_job_duration_max_seconds\\{phase=\"total\"} \\S+$")
                .containsPattern("(?m)^jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"} \\S+$")
                .containsPattern("(?m)^jvm_gc_\\w+")
                .containsPattern("(?m)^jvm_threads_live_threads \\S+$")
                .containsPattern("(?m)^process_cpu_usage \\S+$");
        assertThat(service.stderrText()).doesNotContain("ERROR");
    }
}
