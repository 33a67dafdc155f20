package dev.offload.pool;

import dev.offload.config.PoolConfig;
import dev.offload.config.PoolConfigBuilder;

import java.time.Duration;
import java.util.List;

/** Pool configs for tests, here and in other modules: small heaps, quick-starting worker JVMs. */
public final class TestPools {
    /** JVM options that make a worker start fast; tests run tiny jobs. */
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");

    private TestPools() {
    }

    /**
     * A pool of {@code workers} workers. Over shm its workers start over shm at once
     * ({@code transport.shm.startOverPipe: never}), whatever this JVM did before, so that a test
     * sees the same pool whichever test ran first; the tests of pipe stand-ins ask for them.
     */
    public static PoolConfigBuilder config(String transport, int workers) {
        return PoolConfig.builder()
                .transport(transport)
                .shmStartOverPipe("never")
                .minWorkers(workers)
                .maxWorkers(workers)
                .workerHeap("64m")
                .workerJvmArgs(FAST_START)
                .startTimeout(Duration.ofSeconds(30));
    }
}
