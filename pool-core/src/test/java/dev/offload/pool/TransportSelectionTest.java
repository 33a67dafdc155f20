package dev.offload.pool;

import dev.offload.pool.handlers.Echo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** transport auto/shm/pipe: what is chosen, the fallback, and the errors. */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransportSelectionTest {

    @Test
    void shouldFallBackToPipesWithAutoWhenTheJvmLacksChronicleFlags() throws Exception {
        String out = runWithoutChronicleFlags("auto");
        assertThat(out).contains("RESULT hello over pipe");
        assertThat(out).contains("WARN").contains("using pipes instead of shared memory")
                .contains("--add-opens=java.base/java.lang=ALL-UNNAMED");
    }

    @Test
    void shouldFailWithTheMissingFlagsNamedWhenShmIsRequiredWithoutThem() throws Exception {
        String out = runWithoutChronicleFlags("shm");
        assertThat(out).contains("ERROR transport.kind is shm but shared memory is unavailable")
                .contains("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED")
                .contains("`offload jvm-flags` prints them")
                .doesNotContain("RESULT");
    }

    @Test
    void shouldUseShmWithAutoWhenItIsAvailable() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("auto", 1).build())) {
            assertThat(pool.submit(Echo.class, "x").join()).isEqualTo("x");
            assertThat(pool.stats().transport()).isEqualTo("shm");
        }
    }

    @Test
    void shouldFallBackToPipesWithAutoWhenTheShmDirectoryIsNotWritable() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("auto", 1).shmDir(Path.of("/proc")).build())) {
            assertThat(pool.submit(Echo.class, "x").join()).isEqualTo("x");
            assertThat(pool.stats().transport()).isEqualTo("pipe");
        }
    }

    @Test
    void shouldNameTheDirectoryWhenShmIsRequiredAndTheDirectoryIsUnusable() {
        assertThatThrownBy(() -> WorkerPool.start(TestPools.config("shm", 1).shmDir(Path.of("/no/such/dir")).build()))
                .isInstanceOf(OffloadException.class)
                .hasMessageContaining("transport.shm.dir /no/such/dir");
    }

    /** Runs {@link NoFlagsMain} in a JVM without Chronicle's flags; returns its stdout and stderr. */
    private static String runWithoutChronicleFlags(String transport) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NoFlagsMain.class.getName(), transport));
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).as("the test JVM itself has the flags")
                .anyMatch(a -> a.startsWith("--add-opens"));
        Path log = Files.createTempFile("offload-noflags", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the no-flags JVM finished").isTrue();
            return Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
