package dev.offload.pool;

import dev.offload.pool.handlers.Fail;
import dev.offload.pool.handlers.Square;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pool's JDK Flight Recorder events, recorded in this JVM with the JDK's own settings: one
 * {@code dev.offload.Job} per job with its fields right, and a {@code dev.offload.WorkerStart} and a
 * {@code dev.offload.WorkerExit} per worker, over real worker JVMs.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    private static final int JOBS = 2_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"default", "profile"})
    void shouldRecordOneJobEventPerJobAndEachWorkersStartAndExit(String settings) throws Exception {
        try (Recording recording = new Recording(Configuration.getConfiguration(settings))) {
            recording.start();
            try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 2).build())) {
                List<CompletableFuture<Long>> squares = new ArrayList<>();
                for (long i = 0; i < JOBS; i++) {
                    squares.add(pool.submit(Square.class, i));
                }
                CompletableFuture<String> failing = pool.submit(Fail.class, "x");
                squares.forEach(CompletableFuture::join);
                assertThat(failing).failsWithin(Duration.ofSeconds(30));
            }
            Path file = dir.resolve(settings + ".jfr");
            // A worker's exit is reported when its process handle completes, an instant after close() returns.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                recording.dump(file);
                assertThat(events(file, "dev.offload.WorkerExit")).hasSize(2);
            });

            List<RecordedEvent> starts = events(file, "dev.offload.WorkerStart");
            assertThat(starts).extracting(e -> e.getString("worker")).containsExactlyInAnyOrder("w1", "w2");
            assertThat(starts).allSatisfy(e -> {
                assertThat(e.getString("transport")).isEqualTo("shm");
                assertThat(e.getDuration("bootTime")).isPositive();
            });
            Set<Long> pids = starts.stream().map(e -> e.getLong("pid")).collect(Collectors.toSet());
            assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(pid).isPositive());

            List<RecordedEvent> exits = events(file, "dev.offload.WorkerExit");
            assertThat(exits).extracting(e -> e.getLong("pid")).containsExactlyInAnyOrderElementsOf(pids);
            assertThat(exits).allSatisfy(e -> {
                assertThat(e.getString("reason")).isEqualTo("stopped: the pool shut down");
                assertThat(e.getInt("exitCode")).isNotNegative();
            });

            List<RecordedEvent> jobs = events(file, "dev.offload.Job");
            assertThat(jobs).hasSize(JOBS + 1);
            assertThat(jobs).extracting(e -> e.getLong("jobId"))
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, JOBS + 1).boxed().toList());
            List<RecordedEvent> completed = jobs.stream().filter(e -> e.getString("handler").equals(Square.class.getName())).toList();
            assertThat(completed).hasSize(JOBS).allSatisfy(e -> {
                assertThat(e.getString("outcome")).isEqualTo("completed");
                assertThat(e.getInt("attempt")).isEqualTo(1);
                assertThat(e.getString("worker")).isIn("w1", "w2");
                assertThat(e.getLong("workerPid")).isIn(pids);
                assertThat(e.getDuration("queueTime").isNegative()).as("negative queue time").isFalse();
                assertThat(e.getDuration("runTime").isNegative()).as("negative run time").isFalse();
                assertThat(e.getDuration("totalTime")).isGreaterThanOrEqualTo(e.getDuration("queueTime"));
                assertThat(e.getString("error")).isNull();
            });
            RecordedEvent failed = jobs.stream().filter(e -> e.getString("handler").equals(Fail.class.getName())).findFirst().orElseThrow();
            assertThat(failed.getString("outcome")).isEqualTo("failed");
            assertThat(failed.getString("error")).contains("IllegalStateException: boom: x");
            assertThat(failed.getDuration("runTime")).isPositive();
        }
    }

    private static List<RecordedEvent> events(Path file, String name) throws IOException {
        return RecordingFile.readAllEvents(file).stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
