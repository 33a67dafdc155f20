package dev.offload.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class PoolConfigBuilderTest {

    @Test
    void shouldHaveDocumentedDefaults() {
        PoolConfig c = PoolConfig.defaults();

        assertThat(c.minWorkers()).isEqualTo(1);
        assertThat(c.maxWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.maxJobsPerWorker()).isZero();
        assertThat(c.startTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.workerHeap()).isEqualTo("256m");
        assertThat(c.workerHeapBytes()).isEqualTo(256L << 20);
        assertThat(c.workerJvmArgs()).isEmpty();
        assertThat(c.workerEnv()).isEmpty();
        assertThat(c.workerClassPath()).isEmpty();
        assertThat(c.workerCds()).isTrue();
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.queueCapacity()).isEqualTo(10_000);
        assertThat(c.jobTimeout()).isZero();
        assertThat(c.maxAttempts()).isEqualTo(2);
        assertThat(c.cancelGrace()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.completion()).isEqualTo("direct");
        assertThat(c.transport()).isEqualTo("auto");
        assertThat(c.maxFrameBytes()).isEqualTo(16L << 20);
        assertThat(c.shmDir()).isEqualTo(Path.of("/dev/shm"));
        assertThat(c.shmSpin()).isEqualTo(Duration.ofNanos(100_000));
        assertThat(c.clusterName()).isEqualTo("offload");
        assertThat(c.clusterBind()).isEqualTo("127.0.0.1:5701");
        assertThat(c.clusterMembers()).isEmpty();
        assertThat(c.clusterHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.handlers()).isEmpty();
    }

    @Test
    void shouldBuildEverySettingThroughItsFluentMethod() {
        PoolConfig c = PoolConfig.builder()
                .minWorkers(2).maxWorkers(8).idleTimeout(Duration.ofSeconds(5)).maxJobsPerWorker(100)
                .startTimeout(Duration.ofSeconds(30)).workerHeap("1G").workerJvmArgs(List.of("-Xss1m"))
                .workerEnv(Map.of("TZ", "UTC")).workerClassPath("/opt/app/lib/*").workerCds(false)
                .heartbeatInterval(Duration.ofSeconds(1)).heartbeatTimeout(Duration.ofSeconds(5))
                .queueCapacity(50).jobTimeout(Duration.ofMinutes(2)).maxAttempts(3)
                .cancelGrace(Duration.ZERO).completion("direct").transport("pipe").maxFrameBytes(1 << 20)
                .shmDir(Path.of("/tmp/shm")).shmSpin(Duration.ofMillis(1)).clusterName("prod")
                .clusterBind("10.0.0.1:6000").clusterMembers(List.of("10.0.0.1:6000", "10.0.0.2:6000"))
                .clusterHeartbeatTimeout(Duration.ofSeconds(3)).handler("fib", "com.example.Fib")
                .build();

        assertThat(c.minWorkers()).isEqualTo(2);
        assertThat(c.maxWorkers()).isEqualTo(8);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxJobsPerWorker()).isEqualTo(100);
        assertThat(c.startTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.workerHeap()).isEqualTo("1g");
        assertThat(c.workerHeapBytes()).isEqualTo(1L << 30);
        assertThat(c.workerJvmArgs()).containsExactly("-Xss1m");
        assertThat(c.workerEnv()).containsExactly(Map.entry("TZ", "UTC"));
        assertThat(c.workerClassPath()).contains("/opt/app/lib/*");
        assertThat(c.workerCds()).isFalse();
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.queueCapacity()).isEqualTo(50);
        assertThat(c.jobTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.cancelGrace()).isZero();
        assertThat(c.completion()).isEqualTo("direct");
        assertThat(c.transport()).isEqualTo("pipe");
        assertThat(c.maxFrameBytes()).isEqualTo(1 << 20);
        assertThat(c.shmDir()).isEqualTo(Path.of("/tmp/shm"));
        assertThat(c.shmSpin()).isEqualTo(Duration.ofMillis(1));
        assertThat(c.clusterName()).isEqualTo("prod");
        assertThat(c.clusterBind()).isEqualTo("10.0.0.1:6000");
        assertThat(c.clusterMembers()).containsExactly("10.0.0.1:6000", "10.0.0.2:6000");
        assertThat(c.clusterHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.handlers()).containsExactly(Map.entry("fib", "com.example.Fib"));
    }

    @Test
    void shouldAcceptZeroHeapAsJvmDefault() {
        PoolConfig c = PoolConfig.builder().workerHeap("0").build();

        assertThat(c.workerHeapBytes()).isZero();
        assertThat(c.workerHeap()).isEqualTo("0");
    }

    @Test
    void shouldNormaliseHeapText() {
        assertThat(PoolConfig.builder().workerHeap("512MB").build().workerHeap()).isEqualTo("512m");
        assertThat(PoolConfig.builder().workerHeap("4096k").build().workerHeap()).isEqualTo("4m");
        assertThat(PoolConfig.builder().workerHeap("268435456").build().workerHeap()).isEqualTo("256m");
    }

    @Test
    void shouldRejectMaxWorkersBelowMinWorkers() {
        assertInvalid(b -> b.minWorkers(4).maxWorkers(2), "workers.max")
                .hasMessage("workers.max must be >= workers.min (got 2 < 4)");
        assertInvalid(b -> b.maxWorkers(0), "workers.max")
                .hasMessage("workers.max must be >= workers.min (got 0 < 1)");
    }

    @Test
    void shouldRejectNegativeAndZeroCounts() {
        assertInvalid(b -> b.minWorkers(-1), "workers.min").hasMessage("workers.min must be >= 0 (got -1)");
        assertInvalid(b -> b.maxWorkers(-1), "workers.max").hasMessage("workers.max must be >= 1 (got -1)");
        assertInvalid(b -> b.minWorkers(0).maxWorkers(0), "workers.max").hasMessage("workers.max must be >= 1 (got 0)");
        assertInvalid(b -> b.maxJobsPerWorker(-1), "workers.maxJobs").hasMessageContaining("(got -1)");
        assertInvalid(b -> b.queueCapacity(0), "queue.capacity").hasMessage("queue.capacity must be >= 1 (got 0)");
        assertInvalid(b -> b.maxAttempts(0), "jobs.maxAttempts").hasMessage("jobs.maxAttempts must be >= 1 (got 0)");
    }

    @Test
    void shouldRunWorkersBelowTheCallersPriorityByDefaultAndRejectANicenessOutside0To19() {
        assertThat(PoolConfig.defaults().workerNice()).isEqualTo(10);
        assertThat(PoolConfig.builder().workerNice(0).build().workerNice()).isZero();
        assertInvalid(b -> b.workerNice(-5), "workers.nice").hasMessageStartingWith("workers.nice must be between 0 and 19 (got -5;");
        assertInvalid(b -> b.workerNice(20), "workers.nice").hasMessageStartingWith("workers.nice must be between 0 and 19 (got 20;");
    }

    @Test
    void shouldAcceptZeroMinWorkers() {
        assertThat(PoolConfig.builder().minWorkers(0).build().minWorkers()).isZero();
    }

    @Test
    void shouldRejectNegativeDurations() {
        assertInvalid(b -> b.idleTimeout(Duration.ofSeconds(-1)), "workers.idleTimeout")
                .hasMessage("workers.idleTimeout must be >= 0 (got -1s)");
        assertInvalid(b -> b.jobTimeout(Duration.ofMillis(-5)), "jobs.timeout")
                .hasMessage("jobs.timeout must be >= 0 (got -5ms)");
        assertInvalid(b -> b.cancelGrace(Duration.ofMillis(-1)), "jobs.cancelGrace");
        assertInvalid(b -> b.shmSpin(Duration.ofNanos(-1)), "transport.shm.spin");
    }

    @Test
    void shouldRejectZeroWhereAPositiveDurationIsNeeded() {
        assertInvalid(b -> b.startTimeout(Duration.ZERO), "workers.startTimeout")
                .hasMessage("workers.startTimeout must be > 0 (got 0s)");
        assertInvalid(b -> b.heartbeatInterval(Duration.ZERO), "workers.heartbeatInterval");
    }

    @Test
    void shouldRejectHeartbeatTimeoutNotAboveInterval() {
        assertInvalid(b -> b.heartbeatInterval(Duration.ofSeconds(2)).heartbeatTimeout(Duration.ofSeconds(2)),
                "workers.heartbeatTimeout")
                .hasMessage("workers.heartbeatTimeout must be > workers.heartbeatInterval (got 2s <= 2s)");
    }

    @Test
    void shouldRejectDurationsTooLargeForNanoseconds() {
        assertInvalid(b -> b.jobTimeout(Duration.ofDays(365L * 1000)), "jobs.timeout")
                .hasMessageContaining("too large");
    }

    @Test
    void shouldRejectUnknownTransportAndCompletion() {
        assertInvalid(b -> b.transport("shmm"), "transport.kind")
                .hasMessage("transport.kind: unknown value \"shmm\" (allowed: auto, shm, pipe)");
        assertInvalid(b -> b.transport(null), "transport.kind").hasMessageContaining("no value");
        assertInvalid(b -> b.completion("inline"), "jobs.completion")
                .hasMessage("jobs.completion: unknown value \"inline\" (allowed: executor, direct)");
        assertInvalid(b -> b.shmStartOverPipe("true"), "transport.shm.startOverPipe")
                .hasMessage("transport.shm.startOverPipe: unknown value \"true\" (allowed: auto, always, never)");
        assertThat(PoolConfig.defaults().shmStartOverPipe()).isEqualTo("auto");
        assertThat(PoolConfig.builder().shmStartOverPipe("never").build().shmStartOverPipe()).isEqualTo("never");
    }

    @Test
    void shouldRejectFrameSizesOutsideOneKilobyteToOneGigabyte() {
        assertInvalid(b -> b.maxFrameBytes(512), "transport.maxFrameBytes")
                .hasMessage("transport.maxFrameBytes must be between 1k and 1g (got 512)");
        assertInvalid(b -> b.maxFrameBytes((1L << 30) + 1), "transport.maxFrameBytes");
        assertThat(PoolConfig.builder().maxFrameBytes(1024).build().maxFrameBytes()).isEqualTo(1024);
        assertThat(PoolConfig.builder().maxFrameBytes(1L << 30).build().maxFrameBytes()).isEqualTo(1L << 30);
    }

    @Test
    void shouldRejectSpinAboveTenMilliseconds() {
        assertInvalid(b -> b.shmSpin(Duration.ofMillis(11)), "transport.shm.spin")
                .hasMessage("transport.shm.spin must be between 0 and 10ms (got 11ms)");
        assertThat(PoolConfig.builder().shmSpin(Duration.ofMillis(10)).build().shmSpin()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void shouldRejectBadHeap() {
        assertInvalid(b -> b.workerHeap("lots"), "workers.heap").hasMessageContaining("\"lots\"");
        assertInvalid(b -> b.workerHeap("1k"), "workers.heap")
                .hasMessage("workers.heap must be 0 (the JVM's default) or at least 2m (got 1k)");
        assertInvalid(b -> b.workerHeap("-1m"), "workers.heap");
    }

    @Test
    void shouldRejectBlankJvmArgsAndNulls() {
        assertInvalid(b -> b.workerJvmArgs(List.of("-Xss1m", " ")), "workers.jvmArgs")
                .hasMessageContaining("workers.jvmArgs[1]");
        var withNull = new ArrayList<String>();
        withNull.add(null);
        assertInvalid(b -> b.workerJvmArgs(withNull), "workers.jvmArgs");
        assertInvalid(b -> b.workerJvmArgs(null), "workers.jvmArgs").hasMessage("workers.jvmArgs must not be null");
        assertInvalid(b -> b.shmDir(null), "transport.shm.dir");
        assertInvalid(b -> b.idleTimeout(null), "workers.idleTimeout");
    }

    @Test
    void shouldRejectBlankClassPath() {
        assertInvalid(b -> b.workerClassPath(" "), "workers.classPath");
        assertThat(PoolConfig.builder().workerClassPath("x.jar").workerClassPath(null).build().workerClassPath()).isEmpty();
    }

    @Test
    void shouldRejectInvalidOrReservedWorkerEnvironmentNames() {
        assertInvalidEntry(b -> b.workerEnv(Map.of("A=B", "1")), "workers.env.A=B").hasMessageContaining("\"A=B\"");
        assertInvalidEntry(b -> b.workerEnv(Map.of("", "1")), "workers.env.").hasMessageContaining("workers.env");
        assertInvalid(b -> b.workerEnv(Map.of("OFFLOAD_CHANNEL", "x")), "workers.env.OFFLOAD_CHANNEL")
                .hasMessageContaining("reserved");
        var nullValue = new HashMap<String, String>();
        nullValue.put("TZ", null);
        assertInvalid(b -> b.workerEnv(nullValue), "workers.env.TZ");
    }

    @Test
    void shouldRejectBadHandlerNamesAndClassNames() {
        assertInvalidEntry(b -> b.handler("fi b", "com.x.Fib"), "handlers.fi b").hasMessageContaining("\"fi b\"");
        assertInvalid(b -> b.handler("fib", "com..Fib"), "handlers.fib")
                .hasMessage("handlers.fib: \"com..Fib\" is not a fully qualified Java class name (e.g. com.example.Fibonacci)");
        assertInvalid(b -> b.handler("fib", "1com.Fib"), "handlers.fib");
        assertInvalid(b -> b.handler("fib", "com.Fib "), "handlers.fib");
    }

    @Test
    void shouldAcceptHandlerNamesWithDotsDashesAndNestedClasses() {
        PoolConfig c = PoolConfig.builder()
                .handler("img.resize-v2_x", "com.example.Outer$Resize")
                .handler("plain", "Plain")
                .build();

        assertThat(c.handlers()).containsKeys("img.resize-v2_x", "plain");
    }

    @Test
    void shouldReplaceHandlersWithHandlersAndAddWithHandler() {
        PoolConfig c = PoolConfig.builder()
                .handler("a", "x.A")
                .handlers(Map.of("b", "x.B"))
                .handler("c", "x.C")
                .build();

        assertThat(c.handlers()).containsOnlyKeys("b", "c");
    }

    @Test
    void shouldNotSeeChangesToTheCollectionsItWasBuiltFrom() {
        var args = new ArrayList<>(List.of("-Xss1m"));
        var env = new LinkedHashMap<>(Map.of("TZ", "UTC"));
        PoolConfig c = PoolConfig.builder().workerJvmArgs(args).workerEnv(env).build();
        args.add("-Xint");
        env.put("LANG", "C");

        assertThat(c.workerJvmArgs()).containsExactly("-Xss1m");
        assertThat(c.workerEnv()).containsOnlyKeys("TZ");
    }

    @Test
    void shouldExposeUnmodifiableCollections() {
        PoolConfig c = PoolConfig.builder().workerJvmArgs(List.of("-Xss1m")).handler("a", "x.A").build();

        assertThatThrownBy(() -> c.workerJvmArgs().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.workerEnv().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.handlers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldKeepWorkerEnvironmentInInsertionOrder() {
        var env = new LinkedHashMap<String, String>();
        for (String name : List.of("Z", "A", "M", "B")) {
            env.put(name, "1");
        }
        assertThat(PoolConfig.builder().workerEnv(env).build().workerEnv().keySet()).containsExactly("Z", "A", "M", "B");
    }

    @Test
    void shouldCopyEveryValueThroughToBuilder() {
        PoolConfig original = PoolConfig.builder().maxWorkers(7).workerClassPath("a.jar").handler("a", "x.A")
                .workerEnv(Map.of("TZ", "UTC")).shmSpin(Duration.ofMillis(2)).build();

        assertThat(original.toBuilder().build()).isEqualTo(original).hasSameHashCodeAs(original);
        assertThat(original.toBuilder().maxWorkers(3).build().maxWorkers()).isEqualTo(3);
        assertThat(original.maxWorkers()).isEqualTo(7);
    }

    @Test
    void shouldCompareByValue() {
        assertThat(PoolConfig.defaults()).isEqualTo(PoolConfig.defaults()).hasSameHashCodeAs(PoolConfig.defaults());
        assertThat(PoolConfig.builder().workerHeap("256M").build()).isEqualTo(PoolConfig.defaults());
        assertThat(PoolConfig.builder().maxAttempts(5).build()).isNotEqualTo(PoolConfig.defaults());
        assertThat(PoolConfig.builder().workerCds(false).build()).isNotEqualTo(PoolConfig.defaults());
    }

    @Test
    void shouldShowFileStyleValuesInToString() {
        assertThat(PoolConfig.defaults().toString())
                .startsWith("PoolConfig{workers={min=1")
                .contains("idleTimeout=60s", "heap=256m", "spin=100us");
    }

    /** Asserts that build() fails with a ConfigException whose key() is {@code key} and whose message names it. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(UnaryOperator<PoolConfigBuilder> change,
                                                                              String key) {
        return assertInvalidEntry(change, key).hasMessageContaining(key);
    }

    /** As assertInvalid, for a map entry whose message names the map and the entry rather than the dotted key. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalidEntry(
            UnaryOperator<PoolConfigBuilder> change, String key) {
        return assertThatThrownBy(() -> change.apply(PoolConfig.builder()).build())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }
}
