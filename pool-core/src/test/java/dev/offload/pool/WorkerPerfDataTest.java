package dev.offload.pool;

import dev.offload.pool.handlers.Square;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers keep no hsperfdata counters (the JVM's statistics sampler behind them wakes 20 times a
 * second, and an idle worker should cost nothing), while the caller's JVM keeps its own: the
 * caller's file is the proof that this test would see a worker's.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerPerfDataTest {

    @ParameterizedTest
    @ValueSource(strings = {"shm", "pipe"})
    void aStartedWorkerShouldKeepNoPerfDataFileWhileTheCallerDoes(String transport) {
        Path dir = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"));
        Path caller = dir.resolve(Long.toString(ProcessHandle.current().pid()));
        Assumptions.assumeTrue(Files.exists(caller), "the test JVM keeps perf data (it does unless -XX:-UsePerfData)");
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            assertThat(pool.submit(Square.class, 7L).join()).isEqualTo(49L);
            long worker = pool.links()[0].worker.pid();
            assertThat(dir.resolve(Long.toString(worker))).as("worker %d's perf data file", worker).doesNotExist();
        }
    }
}
