package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code offload bench}, on a few jobs: what it prints, not how fast anything is. */
@ExtendWith(NoLeftovers.class)
@Timeout(120)
class BenchCommandTest {
    @TempDir
    Path dir;

    private String smallPools() throws IOException {
        return Files.writeString(dir.resolve("bench.yaml"), TestConfigs.oneWorkerYaml()).toString();
    }

    @Test
    void shouldPrintJsonWithPercentilesAndThroughput() throws IOException {
        Cli.Run run = Cli.run("bench", "--config", smallPools(), "--transport", "pipe", "--jobs", "200",
                "--warmup", "50", "--workers", "1", "--payload", "64", "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("jobs").asInt()).isEqualTo(200);
        assertThat(doc.get("payloadBytes").asInt()).isEqualTo(64);
        JsonNode pipe = doc.get("results").get(0);
        assertThat(pipe.get("transport").asText()).isEqualTo("pipe");
        assertThat(pipe.get("available").asBoolean()).isTrue();
        assertThat(pipe.get("latencyMicros").get("count").asLong()).isEqualTo(200);
        assertThat(pipe.get("latencyMicros").get("p50").asDouble()).isPositive();
        assertThat(pipe.get("latencyMicros").get("max").asDouble())
                .isGreaterThanOrEqualTo(pipe.get("latencyMicros").get("p99").asDouble());
        assertThat(pipe.get("jobsPerSecond").asLong()).isPositive();
        assertThat(doc.get("pipeToShmP50").isNull()).isTrue();
        assertThat(run.err()).contains("bench pipe:");
    }

    @Test
    void shouldPrintBothTransportsSideBySideWithTheirRatio() throws IOException {
        Cli.Run run = Cli.run("bench", "--config", smallPools(), "--jobs", "100", "--warmup", "20", "--workers", "1");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("transport").contains("p50 µs").contains("p99.9 µs").contains("jobs/s");
        assertThat(run.out()).containsPattern("(?m)^shm\\s+\\d+\\.\\d\\s+")
                .containsPattern("(?m)^pipe\\s+\\d+\\.\\d\\s+")
                .containsPattern("pipe/shm at p50: \\d+\\.\\dx");
    }

    @Test
    void shouldRejectANonPositiveJobCount() {
        Cli.Run run = Cli.run("bench", "--jobs", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--jobs must be at least 1 (got 0)");
    }
}
