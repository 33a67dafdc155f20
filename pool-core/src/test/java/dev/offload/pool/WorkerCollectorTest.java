package dev.offload.pool;

import dev.offload.pool.handlers.GcNames;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers run the serial collector unless the user chose one, in {@code workers.jvmArgs} or in an
 * option variable among {@code workers.env}; a choice of the user's never meets ours (a JVM given
 * two collectors does not start).
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerCollectorTest {
    /** {@link TestPools#FAST_START} without its collector. */
    private static final List<String> QUICK = List.of("-XX:TieredStopAtLevel=1", "-Xss512k");

    @ParameterizedTest
    @ValueSource(strings = {"shm", "pipe"})
    void aWorkerShouldCollectSeriallyByDefault(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).workerJvmArgs(QUICK).build())) {
            assertThat(pool.submit(GcNames.class, 0).join()).isEqualTo("Copy,MarkSweepCompact");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvmArgs", "JAVA_TOOL_OPTIONS"})
    void aCollectorTheUserChoseShouldBeTheOnlyOne(String where) {
        var config = TestPools.config("pipe", 1).workerJvmArgs(QUICK);
        if (where.equals("jvmArgs")) {
            config.workerJvmArgs(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC"));
        } else {
            config.workerEnv(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC"));
        }
        try (WorkerPool pool = WorkerPool.start(config.build())) {
            assertThat(pool.submit(GcNames.class, 0).join()).isEqualTo("PS MarkSweep,PS Scavenge");
        }
    }
}
