package dev.offload.pool;

import dev.offload.pool.handlers.Bytes;
import dev.offload.pool.handlers.Echo;
import dev.offload.pool.handlers.Fail;
import dev.offload.pool.handlers.Halt;
import dev.offload.pool.handlers.Noisy;
import dev.offload.pool.handlers.Pid;
import dev.offload.pool.handlers.Progress;
import dev.offload.pool.handlers.Shapes;
import dev.offload.pool.handlers.Sleep;
import dev.offload.pool.handlers.Square;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The pool end to end, over real worker JVMs, on each transport. */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerPoolTest {

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldCompleteManyConcurrentJobsAcrossTwoWorkersWithEveryResultRight(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 2).build())) {
            int n = 5_000;
            List<CompletableFuture<Long>> futures = new ArrayList<>(n);
            for (long i = 0; i < n; i++) {
                futures.add(pool.submit(Square.class, i));
            }
            for (int i = 0; i < n; i++) {
                assertThat(futures.get(i).join()).isEqualTo((long) i * i);
            }
            PoolStats stats = pool.stats();
            assertThat(stats.transport()).isEqualTo(transport);
            assertThat(stats.completed()).isEqualTo(n);
            assertThat(stats.workers()).isEqualTo(2);
            assertThat(stats.endToEnd().count()).isEqualTo(n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldRoundTripRecordsCollectionsAndBytes(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            var square = new Shapes.Polygon("square", List.of(
                    new Shapes.Point(0, 0), new Shapes.Point(1, 0), new Shapes.Point(1, 1), new Shapes.Point(0, 1)));
            Shapes.Summary summary = pool.submit(Shapes.class, square).join();
            assertThat(summary.name()).isEqualTo("square");
            assertThat(summary.edges()).hasSize(4);
            assertThat(summary.edges().get(3)).containsExactly(new Shapes.Point(0, 1), new Shapes.Point(0, 0));
            assertThat(summary.counts()).isEqualTo(Map.of("points", 4, "edges", 4));

            byte[] raw = {0, 1, 2, (byte) 0xFF, 0x0F};
            assertThat(pool.submit(Bytes.class, raw).join()).containsExactly(0x0F, (byte) 0xFF, 2, 1, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldCompleteOnTheExecutorTheJobOptionsName(String transport) throws Exception {
        var loop = java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "test-event-loop"));
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            JobOptions onLoop = JobOptions.defaults().withExecutor(loop);
            for (long i = 0; i < 50; i++) {
                // A job of a few ms, so that the stage is registered before it completes (a stage
                // added to a completed future runs on the thread that adds it).
                String thread = pool.submit(Sleep.class, 5L, onLoop).thenApply(v -> Thread.currentThread().getName())
                        .get(30, TimeUnit.SECONDS);
                assertThat(thread).isEqualTo("test-event-loop");
            }
            loop.shutdown();
            // A loop that refuses (shut down) does not lose the outcome: it completes on a pool thread.
            assertThat(pool.submit(Square.class, 3L, onLoop).get(30, TimeUnit.SECONDS)).isEqualTo(9L);
        } finally {
            loop.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldPassJsonBytesThroughSubmitJsonAndNameTheFieldOfABadInput(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            var square = "{\"name\":\"tri\",\"points\":[{\"x\":0,\"y\":0},{\"x\":1,\"y\":0},{\"x\":0,\"y\":1}]}";
            byte[] answer = pool.submitJson(Shapes.class.getName(), square.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    JobOptions.defaults()).join();
            assertThat(new String(answer, java.nio.charset.StandardCharsets.UTF_8))
                    .startsWith("{\"name\":\"tri\",\"edges\":[[{\"x\":0,\"y\":0},{\"x\":1,\"y\":0}]");

            Throwable thrown = catchThrowable(() -> pool.submitJson(Shapes.class.getName(),
                    "{\"name\":\"tri\",\"points\":[{\"x\":\"zero\"}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    JobOptions.defaults()).join());
            assertThat(thrown.getCause()).isInstanceOf(JobFailedException.class);
            JobFailedException failure = (JobFailedException) thrown.getCause();
            assertThat(failure.remoteType()).isEqualTo(WorkerPool.INPUT_DECODING_ERROR);
            assertThat(failure.remoteMessage()).contains("at points[0].x:");
            assertThat(pool.submit(Square.class, 7L).join()).isEqualTo(49L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldReportHandlerExceptionWithRemoteTypeMessageAndStack(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            Throwable thrown = catchThrowable(() -> pool.submit(Fail.class, "x").join());
            assertThat(thrown.getCause()).isInstanceOf(JobFailedException.class);
            JobFailedException failure = (JobFailedException) thrown.getCause();
            assertThat(failure.remoteType()).isEqualTo("java.lang.IllegalStateException");
            assertThat(failure.remoteMessage()).isEqualTo("boom: x");
            assertThat(failure.getMessage()).contains("Fail failed on worker").contains("boom: x");
            assertThat(failure.remoteStackTrace())
                    .contains("at dev.offload.pool.handlers.Fail.handle")
                    .contains("Caused by: java.lang.ArithmeticException: root cause");
            assertThat(pool.submit(Echo.class, "still serving").join()).isEqualTo("still serving");
            assertThat(pool.stats().failed()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldNotCorruptTheChannelWhenAHandlerPrintsToStdout(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            for (int i = 0; i < 50; i++) {
                assertThat(pool.submit(Noisy.class, "job" + i).join()).isEqualTo("JOB" + i);
            }
            assertThat(pool.stats().crashes()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldDeliverProgressInOrderBeforeTheResult(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            List<Object> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Integer> result = pool.submit(Progress.class, 5,
                    JobOptions.defaults().withProgressListener(seen::add));
            int value = result.thenApply(v -> {
                seen.add("result " + v);
                return v;
            }).join();
            assertThat(value).isEqualTo(5);
            assertThat(seen).containsExactly(Map.of("step", 1), Map.of("step", 2), Map.of("step", 3),
                    Map.of("step", 4), Map.of("step", 5), "result 5");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldRejectAtOnceWhenTheQueueIsFull(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).queueCapacity(2).build())) {
            CompletableFuture<Long> running = pool.submit(Sleep.class, 60_000L);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().busy() == 1);
            CompletableFuture<Long> first = pool.submit(Sleep.class, 1L);
            CompletableFuture<Long> second = pool.submit(Sleep.class, 1L);
            CompletableFuture<Long> third = pool.submit(Sleep.class, 1L);

            assertThat(third).isCompletedExceptionally();
            assertThat(catchThrowable(third::join).getCause())
                    .isInstanceOf(PoolRejectedException.class).hasMessageContaining("queue full").hasMessageContaining("queue.capacity");
            assertThat(first).isNotDone();
            assertThat(pool.stats().rejected()).isEqualTo(1);
            assertThat(pool.stats().queued()).isEqualTo(2);
            running.cancel(true);
            assertThat(first.join()).isLessThan(1_000);
            assertThat(second.join()).isLessThan(1_000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe"})
    void shouldReturnAFailedFutureWhenSubmittingAfterClose(String transport) {
        WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build());
        pool.close();
        CompletableFuture<String> late = pool.submit(Echo.class, "late");
        assertThat(late).isCompletedExceptionally();
        assertThat(catchThrowable(late::join).getCause())
                .isInstanceOf(PoolRejectedException.class).hasMessageContaining("shut down");
        pool.close(); // idempotent
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldRunWaitingJobsByPriorityThenSubmitOrder(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            CompletableFuture<long[]> blocker = pool.submit(Pid.class, 300L);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().busy() == 1);
            var low1 = pool.submit(Pid.class, 0L, JobOptions.defaults().withPriority(-1));
            var mid1 = pool.submit(Pid.class, 0L);
            var high = pool.submit(Pid.class, 0L, JobOptions.defaults().withPriority(5));
            var mid2 = pool.submit(Pid.class, 0L);
            var low2 = pool.submit(Pid.class, 0L, JobOptions.defaults().withPriority(-1));
            // Pid answers how many jobs its worker ran: the order in which they ran.
            assertThat(blocker.join()[1]).isEqualTo(1);
            assertThat(List.of(high.join()[1], mid1.join()[1], mid2.join()[1], low1.join()[1], low2.join()[1]))
                    .containsExactly(2L, 3L, 4L, 5L, 6L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldReplaceAWorkerThatDiesAndFailItsJobWithTheCause(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).maxAttempts(1).build())) {
            Throwable thrown = catchThrowable(() -> pool.submit(Halt.class, "poison").join());
            assertThat(thrown.getCause()).isInstanceOf(WorkerCrashedException.class);
            WorkerCrashedException crash = (WorkerCrashedException) thrown.getCause();
            assertThat(crash.exitCode()).isEqualTo(3);
            assertThat(crash.getMessage()).contains("exited with code 3").contains("attempt 1 of 1");
            assertThat(crash.stderrTail()).anySatisfy(line -> assertThat(line).contains("poison job poison halting"));
            assertThat(pool.submit(Echo.class, "after").join()).isEqualTo("after");
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().restarts() == 1);
            assertThat(pool.stats().crashes()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldRejectAnInputOverTheFrameLimitWithoutSendingIt(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).maxFrameBytes(4096).build())) {
            CompletableFuture<byte[]> big = pool.submit(Bytes.class, new byte[5000]);
            assertThat(big).isCompletedExceptionally();
            assertThat(catchThrowable(big::join).getCause()).isInstanceOf(PoolRejectedException.class)
                    .hasMessageContaining("5000 bytes exceeds transport.maxFrameBytes (4096 bytes)");
            assertThat(pool.submit(Bytes.class, new byte[100]).join()).hasSize(100);
        }
    }
}
