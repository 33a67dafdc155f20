package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import dev.offload.service.bench.BenchPageTest;
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
                "--throughput-jobs", "200", "--throughput-warmup", "0", "--warmup-seconds", "0",
                "--warmup", "50", "--workers", "1", "--payload", "64", "--large-payload", "100000",
                "--large-jobs", "20", "--large-warmup", "5", "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("jobs").asInt()).isEqualTo(200);
        assertThat(doc.get("payloadBytes").asInt()).isEqualTo(64);
        assertThat(doc.get("largePayloadBytes").asInt()).isEqualTo(100_000);
        assertThat(doc.get("cases")).extracting(JsonNode::asText).containsExactly("roundtrip", "throughput", "callback", "large");
        JsonNode pipe = doc.get("results").get(0);
        assertThat(pipe.get("transport").asText()).isEqualTo("pipe");
        assertThat(pipe.get("available").asBoolean()).isTrue();
        assertThat(pipe.get("latencyMicros").get("count").asLong()).isEqualTo(200);
        assertThat(pipe.get("latencyMicros").get("p50").asDouble()).isPositive();
        assertThat(pipe.get("latencyMicros").get("max").asDouble())
                .isGreaterThanOrEqualTo(pipe.get("latencyMicros").get("p99").asDouble());
        assertThat(pipe.get("jobsPerSecond").asLong()).isPositive();
        assertThat(pipe.get("callbackMicros").get("count").asLong()).isEqualTo(200);
        assertThat(pipe.get("callbackMicros").get("p50").asDouble()).isPositive();
        assertThat(pipe.get("largePayloadMicros").get("count").asLong()).isEqualTo(20);
        assertThat(pipe.get("largePayloadMicros").get("p50").asDouble()).isPositive();
        assertThat(doc.get("pipeToShmP50").isNull()).isTrue();
        assertThat(doc.get("pipeToShmP50Callback").isNull()).isTrue();
        assertThat(run.err()).contains("bench pipe:");
    }

    @Test
    void shouldPrintBothTransportsSideBySideWithTheirRatio() throws IOException {
        Cli.Run run = Cli.run("bench", "--config", smallPools(), "--jobs", "100",
                "--throughput-jobs", "200", "--throughput-warmup", "0", "--warmup", "20", "--warmup-seconds", "0", "--workers", "1",
                "--large-jobs", "5", "--large-warmup", "1");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("transport").contains("p50 µs").contains("p99.9 µs").contains("jobs/s");
        assertThat(run.out()).containsPattern("(?m)^shm\\s+\\d+\\.\\d\\s+")
                .containsPattern("(?m)^pipe\\s+\\d+\\.\\d\\s+")
                .containsPattern("pipe/shm at p50: \\d+\\.\\dx");
        // One table per case, each with both transports and their ratio.
        assertThat(run.out()).containsPattern("(?s)callback: 100 round trips of 16 bytes.*Netty event loop that reads the answers.*"
                        + "\nshm\\s+\\d+\\.\\d\\s.*\npipe\\s+\\d+\\.\\d\\s.*\npipe/shm at p50: \\d+\\.\\dx")
                .containsPattern("(?s)large: 5 round trips of 1 MiB.*"
                        + "\nshm\\s+\\d+\\.\\d\\s.*\npipe\\s+\\d+\\.\\d\\s.*\npipe/shm at p50: \\d+\\.\\dx");
    }

    @Test
    void shouldRunOnlyTheCasesAsked() throws IOException {
        Cli.Run run = Cli.run("bench", "--config", smallPools(), "--transport", "pipe", "--cases", "callback",
                "--jobs", "50", "--throughput-jobs", "200", "--throughput-warmup", "0", "--warmup", "10", "--warmup-seconds", "1", "--json");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.err()).contains("pipe: 1 s of no-op round trips while the JIT settles");
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("warmupSeconds").asInt()).isEqualTo(1);
        JsonNode pipe = doc.get("results").get(0);
        assertThat(pipe.get("callbackMicros").get("count").asLong()).isEqualTo(50);
        assertThat(pipe.has("latencyMicros")).isFalse();
        assertThat(pipe.has("jobsPerSecond")).isFalse();
        assertThat(pipe.has("largePayloadMicros")).isFalse();
    }

    @Test
    void shouldWriteASelfContainedPageWithEveryCaseAndOnePercentileFilePerCase() throws IOException {
        Path page = dir.resolve("bench.html");
        Path hgrm = dir.resolve("hgrm");

        Cli.Run run = Cli.run("bench", "--config", smallPools(), "--transport", "pipe", "--jobs", "100",
                "--throughput-jobs", "200", "--throughput-warmup", "0", "--warmup", "20", "--warmup-seconds", "0",
                "--workers", "1", "--large-payload", "100000", "--large-jobs", "10", "--large-warmup", "2",
                "--html", page.toString(), "--hgrm", hgrm.toString());

        assertThat(run.status()).as(run.err()).isZero();
        String html = Files.readString(page);
        BenchPageTest.assertSelfContained(html);
        assertThat(html).contains("<title>pipe round trip</title>", "<title>pipe callback</title>",
                "<title>pipe 100000 bytes</title>").containsPattern("[0-9,]+ jobs/s");
        try (var files = Files.list(hgrm)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("pipe-roundtrip.hgrm", "pipe-callback.hgrm", "pipe-large.hgrm");
        }
        assertThat(Files.readString(hgrm.resolve("pipe-roundtrip.hgrm")))
                .contains("Value     Percentile TotalCount 1/(1-Percentile)").containsPattern("Total count += +100]");
        assertThat(run.err()).contains("bench: wrote " + page);
    }

    @Test
    void shouldRefuseAPageInADirectoryThatDoesNotExistBeforeMeasuring() {
        Cli.Run run = Cli.run("bench", "--html", dir.resolve("missing/bench.html").toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--html must name a file in an existing directory").doesNotContain("bench pipe:");
    }

    @Test
    void shouldRejectANonPositiveJobCount() {
        Cli.Run run = Cli.run("bench", "--jobs", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--jobs must be at least 1 (got 0)");
    }

    @Test
    void shouldRejectALargePayloadOverTheFrameLimitAndAnUnknownCase() throws IOException {
        Path smallFrames = Files.writeString(dir.resolve("small-frames.yaml"), "transport: { maxFrameBytes: 1m }\n");

        Cli.Run tooLarge = Cli.run("bench", "--config", smallFrames.toString(), "--large-payload", "2000000");
        Cli.Run unknown = Cli.run("bench", "--cases", "roundtrip,latency");

        assertThat(tooLarge.status()).isEqualTo(2);
        assertThat(tooLarge.err()).contains("--large-payload must be at most transport.maxFrameBytes (1048576 bytes, got 2000000)");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("latency");
    }
}
