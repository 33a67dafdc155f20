package dev.offload.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteFileStyleKeysAndValuesInToMap() {
        Map<String, Object> map = PoolConfig.defaults().toMap();

        assertThat(map).containsOnlyKeys("workers", "queue", "jobs", "transport", "cluster", "journal", "handlers", "warmup");
        assertThat(map.get("journal").toString()).isEqualTo("{flush=os, resultTtl=3600s}"); // no dir: no journal
        assertThat(map.get("cluster").toString())
                .isEqualTo("{name=offload, bind=127.0.0.1:5701, members=[], heartbeatTimeout=5s}");
        assertThat(map.get("workers")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("min", 1)
                .containsEntry("idleTimeout", "60s")
                .containsEntry("heap", "256m")
                .containsEntry("heartbeatInterval", "500ms")
                .containsEntry("cds", true)
                .doesNotContainKey("classPath");
        assertThat(map.get("transport").toString()).isEqualTo("{kind=auto, maxFrameBytes=16m, shm={dir=/dev/shm, spin=100us, startOverPipe=auto}}");
        assertThat(map.get("jobs").toString()).isEqualTo("{timeout=0s, maxAttempts=2, cancelGrace=200ms, completion=direct}");
    }

    @Test
    void shouldLoadTheDefaultsYamlBackToTheDefaults() throws IOException {
        Path file = Files.writeString(dir.resolve("defaults.yaml"), PoolConfig.defaults().toYaml());

        assertThat(PoolConfig.load(file, Map.of(), Map.of())).isEqualTo(PoolConfig.defaults());
    }

    @Test
    void shouldLoadACustomisedYamlBackToAnEqualConfig() throws IOException {
        PoolConfig original = PoolConfig.builder()
                .minWorkers(0).maxWorkers(3).idleTimeout(Duration.ofMinutes(5)).maxJobsPerWorker(7)
                .startTimeout(Duration.ofMillis(1500)).workerHeap("0")
                .workerJvmArgs(List.of("-Xss1m", "-Dx=a,b", "-Dquote=\"q\"", "#hash", "- dash", "true", "123"))
                .workerEnv(Map.of("TZ", "UTC", "N", "0123", "FLAG", "yes", "EMPTY", ""))
                .workerClassPath("/opt/app/lib/*:/opt/app/classes").workerCds(false)
                .heartbeatInterval(Duration.ofNanos(1_500)).heartbeatTimeout(Duration.ofSeconds(1))
                .queueCapacity(1).jobTimeout(Duration.ofHours(1)).maxAttempts(1).cancelGrace(Duration.ZERO)
                .completion("direct").transport("pipe").maxFrameBytes(1500).shmDir(Path.of("/tmp/my shm: dir"))
                .shmSpin(Duration.ofMillis(10)).clusterName("a.b-c_d").clusterBind("[::1]:5702")
                .clusterMembers(List.of("[::1]:5701", "[::1]:5702", "host-a.example:5701")).clusterHeartbeatTimeout(Duration.ofHours(1))
                .journalDir(Path.of("/var/lib/offload/journal")).journalFlush("sync").journalResultTtl(Duration.ofMinutes(90))
                .handler("fib", "dev.offload.service.demo.Fibonacci")
                .handler("a.b-c_d", "x.Y$Z")
                .build();
        Path file = Files.writeString(dir.resolve("app.yaml"), original.toYaml());

        PoolConfig loaded = PoolConfig.load(file, Map.of(), Map.of());

        assertThat(loaded).isEqualTo(original);
        assertThat(loaded.toYaml()).isEqualTo(original.toYaml());
    }

    @Test
    void shouldReadThisJvmsSystemPropertiesInLoad() throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), "queue: {capacity: 5}");
        System.setProperty("offload.queue.capacity", "6");
        try {
            assertThat(PoolConfig.load(file).queueCapacity()).isEqualTo(6);
            assertThat(PoolConfig.fromEnvironment().queueCapacity()).isEqualTo(6);
        } finally {
            System.clearProperty("offload.queue.capacity");
        }
    }
}
