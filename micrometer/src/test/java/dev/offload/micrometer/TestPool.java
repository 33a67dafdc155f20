package dev.offload.micrometer;

import dev.offload.config.PoolConfig;
import dev.offload.config.PoolConfigBuilder;

import java.time.Duration;
import java.util.List;

/** A one-worker pool config for tests: small heap, quick-starting worker JVM. */
final class TestPool {
    private TestPool() {
    }

    static PoolConfigBuilder oneWorker(String transport) {
        return PoolConfig.builder()
                .transport(transport)
                .minWorkers(1)
                .maxWorkers(1)
                .workerHeap("64m")
                .workerJvmArgs(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k"))
                .startTimeout(Duration.ofSeconds(30));
    }
}
