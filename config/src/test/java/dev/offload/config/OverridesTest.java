package dev.offload.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OverridesTest {

    @TempDir
    Path dir;

    @Test
    void shouldLayerFileThenSystemPropertyThenEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "workers: {min: 2, max: 3}\nqueue: {capacity: 7}");

        PoolConfig fileOnly = PoolConfig.load(file, Map.of(), Map.of());
        PoolConfig withProperty = PoolConfig.load(file, Map.of("offload.workers.max", "5"), Map.of());
        PoolConfig withBoth = PoolConfig.load(file, Map.of("offload.workers.max", "5"),
                Map.of("OFFLOAD_WORKERS_MAX", "8"));

        assertThat(fileOnly.maxWorkers()).isEqualTo(3);
        assertThat(withProperty.maxWorkers()).isEqualTo(5);
        assertThat(withBoth.maxWorkers()).isEqualTo(8);
        assertThat(withBoth.minWorkers()).isEqualTo(2);
        assertThat(withBoth.queueCapacity()).isEqualTo(7);
    }

    @Test
    void shouldLayerDefaultsThenOverridesWithoutAFile() {
        PoolConfig c = PoolConfig.fromEnvironment(
                Map.of("offload.transport.kind", "pipe", "offload.jobs.maxAttempts", "4", "java.version", "17"),
                Map.of("OFFLOAD_TRANSPORT_KIND", "shm", "PATH", "/usr/bin"));

        assertThat(c.transport()).isEqualTo("shm");
        assertThat(c.maxAttempts()).isEqualTo(4);
        assertThat(c.queueCapacity()).isEqualTo(10_000);
    }

    @Test
    void shouldParseEveryKindOfValueFromSystemProperties() {
        PoolConfig c = PoolConfig.fromEnvironment(Map.of(
                "offload.transport.shm.spin", "5us",
                "offload.transport.maxFrameBytes", "1M",
                "offload.workers.heap", "1g",
                "offload.workers.jvmArgs", "-Xss1m, -XX:+UseSerialGC",
                "offload.transport.shm.dir", "/tmp/shm",
                "offload.workers.classPath", "/opt/app/*",
                "offload.jobs.completion", "direct",
                "offload.workers.cds", " FALSE "), Map.of());

        assertThat(c.shmSpin()).isEqualTo(Duration.ofNanos(5_000));
        assertThat(c.maxFrameBytes()).isEqualTo(1L << 20);
        assertThat(c.workerHeap()).isEqualTo("1g");
        assertThat(c.workerJvmArgs()).containsExactly("-Xss1m", "-XX:+UseSerialGC");
        assertThat(c.shmDir()).isEqualTo(Path.of("/tmp/shm"));
        assertThat(c.workerClassPath()).contains("/opt/app/*");
        assertThat(c.completion()).isEqualTo("direct");
        assertThat(c.workerCds()).isFalse();
    }

    @Test
    void shouldReplaceTheFileListWithTheOverrideList() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "workers: {jvmArgs: [-Xint, -Xss2m]}");

        assertThat(PoolConfig.load(file, Map.of("offload.workers.jvmArgs", "-Xss1m"), Map.of()).workerJvmArgs())
                .containsExactly("-Xss1m");
        assertThat(PoolConfig.load(file, Map.of("offload.workers.jvmArgs", ""), Map.of()).workerJvmArgs()).isEmpty();
    }

    @Test
    void shouldAcceptSplitAndUnsplitCamelCaseEnvironmentNames() {
        assertThat(PoolConfig.fromEnvironment(Map.of(), Map.of("OFFLOAD_WORKERS_IDLE_TIMEOUT", "5s")).idleTimeout())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(PoolConfig.fromEnvironment(Map.of(), Map.of("OFFLOAD_WORKERS_IDLETIMEOUT", "6s")).idleTimeout())
                .isEqualTo(Duration.ofSeconds(6));
        assertThat(PoolConfig.fromEnvironment(Map.of(), Map.of("OFFLOAD_TRANSPORT_SHM_DIR", "/x")).shmDir())
                .isEqualTo(Path.of("/x"));
        assertThat(PoolConfig.fromEnvironment(Map.of(), Map.of("OFFLOAD_TRANSPORT_MAX_FRAME_BYTES", "64k"))
                .maxFrameBytes()).isEqualTo(65536);
        assertThat(PoolConfig.fromEnvironment(Map.of(), Map.of("OFFLOAD_JOBS_MAX_ATTEMPTS", "9")).maxAttempts())
                .isEqualTo(9);
        assertThat(PoolConfig.fromEnvironment(Map.of(), Map.of("OFFLOAD_WORKERS_JVM_ARGS", "-Xint")).workerJvmArgs())
                .containsExactly("-Xint");
    }

    @Test
    void shouldRejectBothEnvironmentFormsOfOneKey() {
        assertThatThrownBy(() -> PoolConfig.fromEnvironment(Map.of(),
                Map.of("OFFLOAD_WORKERS_IDLE_TIMEOUT", "5s", "OFFLOAD_WORKERS_IDLETIMEOUT", "6s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OFFLOAD_WORKERS_IDLETIMEOUT")
                .hasMessageContaining("OFFLOAD_WORKERS_IDLE_TIMEOUT")
                .hasMessageContaining("workers.idleTimeout");
    }

    @Test
    void shouldMergeHandlerOverridesIntoTheFileHandlers() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "handlers: {fib: a.Fib, sort: a.Sort}");

        PoolConfig c = PoolConfig.load(file, Map.of("offload.handlers.fib", "b.Fib", "offload.handlers.Zip", "b.Zip"),
                Map.of("OFFLOAD_HANDLERS_RESIZE_V2", "c.Resize"));

        assertThat(c.handlers()).containsExactly(Map.entry("fib", "b.Fib"), Map.entry("sort", "a.Sort"),
                Map.entry("Zip", "b.Zip"), Map.entry("resize_v2", "c.Resize"));
    }

    @Test
    void shouldSetWarmupSamplesAsJsonTextOneHandlerAtATime() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "handlers: {fib: a.Fib, sort: a.Sort}\nwarmup: {fib: {n: 1}}");

        PoolConfig c = PoolConfig.load(file, Map.of("offload.warmup.fib", " {\"n\": 15} "),
                Map.of("OFFLOAD_WARMUP_SORT", "[3, 1, 2]"));

        assertThat(c.warmup()).containsExactly(Map.entry("fib", "{\"n\":15}"), Map.entry("sort", "[3,1,2]"));
    }

    @Test
    void shouldRejectAWarmupOverrideThatIsNotJson() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "handlers: {fib: a.Fib}");

        assertThatThrownBy(() -> PoolConfig.load(file, Map.of(), Map.of("OFFLOAD_WARMUP_FIB", "{\"n\": 15")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("warmup.fib is not JSON: Unexpected end-of-input")
                .hasMessageContaining("OFFLOAD_WARMUP_FIB")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("warmup.fib"));
    }

    @Test
    void shouldSetWorkerEnvironmentEntriesKeepingTheirNames() {
        PoolConfig c = PoolConfig.fromEnvironment(Map.of("offload.workers.env.LANG", "C"),
                Map.of("OFFLOAD_WORKERS_ENV_TZ", "UTC"));

        assertThat(c.workerEnv()).containsOnly(Map.entry("LANG", "C"), Map.entry("TZ", "UTC"));
    }

    @Test
    void shouldRejectAWholeMapOverride() {
        assertOverrideFails(Map.of("offload.handlers", "fib=a.Fib"), Map.of(), "handlers")
                .hasMessageContaining("-Doffload.handlers.<name>=<value>");
        assertOverrideFails(Map.of(), Map.of("OFFLOAD_WORKERS_ENV", "TZ=UTC"), "workers.env")
                .hasMessageContaining("OFFLOAD_WORKERS_ENV_<NAME>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"OFFLOAD_CHANNEL", "OFFLOAD_TOKEN", "OFFLOAD_WORKER_ID", "OFFLOAD_HOME", "OFFLOAD_OPTS",
            "OFFLOAD_JAVA", "OFFLOAD_PARENT_PID"})
    void shouldIgnoreReservedEnvironmentVariables(String name) {
        assertThat(PoolConfig.RESERVED_ENVIRONMENT_VARIABLES).contains(name);
        assertThat(PoolConfig.fromEnvironment(Map.of(), Map.of(name, "anything"))).isEqualTo(PoolConfig.defaults());
    }

    @Test
    void shouldRejectUnknownSystemPropertyNamingIt() {
        assertOverrideFails(Map.of("offload.workers.mx", "3"), Map.of(), "workers.mx")
                .hasMessageStartingWith("unknown system property offload.workers.mx (known keys under workers: min, max,");
        assertOverrideFails(Map.of("offload.wokers.max", "3"), Map.of(), "wokers.max")
                .hasMessageContaining("known top-level keys: workers, queue, jobs, transport, cluster, journal, handlers");
    }

    @Test
    void shouldRejectUnknownEnvironmentVariableNamingItAndSuggestingTheNearest() {
        assertOverrideFails(Map.of(), Map.of("OFFLOAD_WOKERS_MAX", "3"), "OFFLOAD_WOKERS_MAX")
                .hasMessageStartingWith("unknown environment variable OFFLOAD_WOKERS_MAX (did you mean OFFLOAD_WORKERS_MAX?)")
                .hasMessageContaining("OFFLOAD_CHANNEL");
        assertOverrideFails(Map.of(), Map.of("OFFLOAD_HANDLERS_", "x.Y"), "OFFLOAD_HANDLERS_");
    }

    @Test
    void shouldIgnoreUnrelatedSystemPropertiesAndVariables() {
        assertThat(PoolConfig.fromEnvironment(Map.of("offloader.x", "1", "user.home", "/root"),
                Map.of("OFFLOADX", "1", "offload_workers_max", "1"))).isEqualTo(PoolConfig.defaults());
    }

    @Test
    void shouldNameTheSystemPropertyInAnInvalidValueMessage() {
        assertOverrideFails(Map.of("offload.workers.max", "four"), Map.of(), "workers.max")
                .hasMessage("workers.max: expected an integer, got \"four\"; set by -Doffload.workers.max");
        assertOverrideFails(Map.of("offload.transport.shm.spin", "5"), Map.of(), "transport.shm.spin")
                .hasMessageContaining("needs a unit");
        assertOverrideFails(Map.of(), Map.of("OFFLOAD_WORKERS_CDS", "off"), "workers.cds")
                .hasMessage("workers.cds: expected true or false, got \"off\"; set by OFFLOAD_WORKERS_CDS");
    }

    @Test
    void shouldNameTheEnvironmentVariableInAnOutOfRangeMessage() {
        assertOverrideFails(Map.of(), Map.of("OFFLOAD_QUEUE_CAPACITY", "0"), "queue.capacity")
                .hasMessage("queue.capacity must be >= 1 (got 0); set by OFFLOAD_QUEUE_CAPACITY");
        assertOverrideFails(Map.of(), Map.of("OFFLOAD_HANDLERS_FIB", "not a class"), "handlers.fib")
                .hasMessageEndingWith("; set by OFFLOAD_HANDLERS_FIB");
    }

    @Test
    void shouldNameEverySourceOfACrossKeyViolation() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "workers: {min: 4}");

        assertThatThrownBy(() -> PoolConfig.load(file, Map.of(), Map.of("OFFLOAD_WORKERS_MAX", "2")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("workers.max must be >= workers.min (got 2 < 4); workers.max set by OFFLOAD_WORKERS_MAX, "
                        + "workers.min set in " + file);
    }

    @Test
    void shouldValidateOnlyTheEffectiveValue() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "workers: {max: 0}");

        assertThat(PoolConfig.load(file, Map.of("offload.workers.max", "3"), Map.of()).maxWorkers()).isEqualTo(3);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertOverrideFails(
            Map<String, String> properties, Map<String, String> environment, String key) {
        return assertThatThrownBy(() -> PoolConfig.fromEnvironment(properties, environment))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }
}
