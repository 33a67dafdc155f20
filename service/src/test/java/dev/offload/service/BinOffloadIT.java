package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/offload} as a real process; skipped until {@code service/target/offload.jar} is built. */
@ExtendWith(NoLeftovers.class)
@Timeout(90)
class BinOffloadIT {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = REPO.resolve("bin/offload");
    private static final Pattern BANNER = Pattern.compile("offload serving on http://127\\.0\\.0\\.1:(\\d+) .*");

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

        Run run = run(new ProcessBuilder(java, "-jar", REPO.resolve("service/target/offload.jar").toString(), "bench",
                "--config", config.toString(), "--transport", "shm", "--jobs", "10", "--warmup", "0")
                .directory(dir.toFile()));

        assertThat(run.status()).as(run.out()).isZero();
        assertThat(run.out()).containsPattern("(?m)^shm\\s+unavailable: .*--add-");
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
        Process process = new ProcessBuilder(SCRIPT.toString(), "serve", "--config", config.toString(), "--port", "0")
                .directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String banner = out.readLine();
            Matcher m = BANNER.matcher(String.valueOf(banner));
            assertThat(m.matches()).as("banner: " + banner + "\n" + Files.readString(dir.resolve("stderr.txt"))).isTrue();

            try (Http http = new Http("http://127.0.0.1:" + m.group(1))) {
                assertThat(http.post("/jobs/fib", "{\"n\": 25}").json()).containsEntry("value", 75025);
            }
            process.destroy(); // SIGTERM

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isZero();
            assertThat(NoLeftovers.shmLeftovers(process.pid())).isEmpty();
        } finally {
            process.destroyForcibly();
        }
    }
}
