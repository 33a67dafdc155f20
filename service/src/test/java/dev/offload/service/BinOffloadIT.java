package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code bin/offload} as a real process; skipped until {@code service/target/offload.jar} is built. */
@ExtendWith(NoLeftovers.class)
@Timeout(90)
class BinOffloadIT {
    private static final Path REPO = ServeProcess.REPO;
    private static final Path SCRIPT = ServeProcess.SCRIPT;

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheJar() {
        // Failsafe runs this after the package phase built the jar.
        assertThat(REPO.resolve("service/target/offload.jar")).as("the shaded jar").isRegularFile();
    }

    @Test
    void shouldPrintHelpFromAnyDirectory() throws Exception {
        Run run = run(new ProcessBuilder(SCRIPT.toString(), "--help").directory(dir.toFile()));

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: offload").contains("serve").contains("bench").contains("config");
    }

    @Test
    void shouldFindTheJarWhenCalledThroughASymlink() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("offload"), SCRIPT);

        Run run = run(new ProcessBuilder(link.toString(), "--version").directory(dir.toFile()));

        assertThat(run.status()).as(run.out()).isZero();
        assertThat(run.out()).contains("0.1.0-SNAPSHOT");
    }

    @Test
    void shouldReportShmUnavailableInBenchWhenTheJvmLacksChronicleFlags() throws Exception {
        Path config = Files.writeString(dir.resolve("bench.yaml"), TestConfigs.oneWorkerYaml());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        // -cp, not -jar: the jar's manifest Add-Opens/Add-Exports apply to java -jar only.
        Run run = run(new ProcessBuilder(java, "-cp", REPO.resolve("service/target/offload.jar").toString(),
                OffloadCommand.class.getName(), "bench",
                "--config", config.toString(), "--transport", "shm", "--jobs", "10",
                "--throughput-jobs", "200", "--throughput-warmup", "0", "--warmup", "0", "--warmup-seconds", "0")
                .directory(dir.toFile()));

        assertThat(run.status()).as(run.out()).isZero();
        assertThat(run.out()).containsPattern("(?m)^shm\\s+unavailable: .*--add-");
    }

    @Test
    void shouldRunShmFromAPlainJavaDashJarThanksToTheManifest() throws Exception {
        Path config = Files.writeString(dir.resolve("bench.yaml"), TestConfigs.oneWorkerYaml());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Run run = run(new ProcessBuilder(java, "-jar", REPO.resolve("service/target/offload.jar").toString(), "bench",
                "--config", config.toString(), "--transport", "shm", "--jobs", "10",
                "--throughput-jobs", "200", "--throughput-warmup", "0", "--warmup", "0", "--warmup-seconds", "0")
                .directory(dir.toFile()));

        assertThat(run.status()).as(run.out()).isZero();
        assertThat(run.out()).doesNotContain("unavailable").containsPattern("(?m)^shm\\s+\\d");
    }

    private record Run(int status, String out) {
    }

    private static Run run(ProcessBuilder builder) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out);
    }

    @Test
    void shouldServeUntilSigtermAndThenExitZero() throws Exception {
        Path config = Files.writeString(dir.resolve("offload.yaml"), TestConfigs.oneWorkerYaml());
        try (ServeProcess serve = ServeProcess.start(dir, "serve", Map.of(), Duration.ofSeconds(60), "--config", config.toString())) {
            assertThat(serve.http().post("/jobs/fib", "{\"n\": 25}").json()).containsEntry("value", 75025);

            assertThat(serve.stop(Duration.ofSeconds(60))).as(serve.stderrText()).isZero(); // SIGTERM
            assertThat(NoLeftovers.shmLeftovers(serve.pid())).isEmpty();
        }
    }

    @Test
    void shouldWarmUpTheBundledHandlersWhileServingAndThenSayOk() throws Exception {
        try (ServeProcess serve = ServeProcess.start(dir, "serve", Map.of(), Duration.ofSeconds(60), "--warmup", "3s")) {
            Http.Reply first = serve.http().get("/health");
            assertThat(first.status()).isEqualTo(503);
            assertThat(first.json()).containsEntry("status", "warming-up");
            assertThat(serve.http().post("/jobs/fib", "{\"n\": 20}").json()).containsEntry("value", 6765);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(serve.http().get("/health").status()).isEqualTo(200));
            assertThat(serve.http().get("/health").json()).containsEntry("status", "ok");
            assertThat(serve.stderrText()).contains("WarmUp - warmed up in").doesNotContain("[WARN]");

            assertThat(serve.stop(Duration.ofSeconds(60))).as(serve.stderrText()).isZero();
            assertThat(NoLeftovers.shmLeftovers(serve.pid())).isEmpty();
        }
    }

    @Test
    void shouldStartTheServiceWithEveryJvmFlagOfTheParentPom() throws Exception {
        String flags = System.getProperty("offloadtest.jvmFlags");
        assertThat(flags).as("offloadtest.jvmFlags (set by service/pom.xml)").isNotBlank();
        Path config = Files.writeString(dir.resolve("offload.yaml"), TestConfigs.oneWorkerYaml());
        try (ServeProcess serve = ServeProcess.start(dir, "serve", Map.of(), Duration.ofSeconds(60), "--config", config.toString())) {
            List<String> commandLine = List.of(Files.readString(Path.of("/proc", Long.toString(serve.pid()), "cmdline"))
                    .split("\0"));

            assertThat(commandLine).containsAll(List.of(flags.trim().split("\\s+")));
        }
    }
}
