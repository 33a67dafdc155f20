package dev.offload.service.async;

import dev.offload.pool.JobOptions;
import dev.offload.pool.PoolRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jobs thread against a pool the test drives by hand: each state, cancel, the Idempotency-Key,
 * the TTL, the capacity, and what a restart on the same journal makes of the jobs.
 */
@Timeout(60)
class AsyncJobsTest {
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final HandPool pool = new HandPool();
    private final List<AsyncJobs> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(AsyncJobs::close);
    }

    @Test
    void shouldRunOneJobPerWorkerAndKeepEachResult() throws Exception {
        AsyncJobs jobs = start(settings(HOUR, 10));
        String first = accept(jobs, "{\"ms\": 1}", null).job().id();
        String second = accept(jobs, "{\"ms\": 2}", null).job().id();

        HandPool.Run run = pool.next();
        assertThat(run.input()).isEqualTo("{\"ms\": 1}");
        assertThat(run.handlerClass()).isEqualTo("demo.Sleep");
        awaitState(jobs, first, JobState.RUNNING);
        assertThat(jobs.view(first).attempt()).isEqualTo(1);
        assertThat(jobs.view(second).state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.view(second).attempt()).isZero();

        run.future().complete(bytes("{\"slept\":1}"));
        awaitState(jobs, first, JobState.DONE);
        assertThat(new String(jobs.view(first).result(), StandardCharsets.UTF_8)).isEqualTo("{\"slept\":1}");
        pool.next().future().complete(bytes("{\"slept\":2}"));
        awaitState(jobs, second, JobState.DONE);
    }

    @Test
    void shouldKeepTheErrorOfAFailedJobAndListItAmongTheDeadLetters() throws Exception {
        AsyncJobs jobs = start(settings(HOUR, 10));
        String id = accept(jobs, "{}", null).job().id();

        pool.next().future().completeExceptionally(new IllegalStateException("boom"));

        awaitState(jobs, id, JobState.FAILED);
        assertThat(new String(jobs.view(id).error(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"boom\"}");
        CompletableFuture<List<JobView>> failed = new CompletableFuture<>();
        jobs.failed(Runnable::run, failed::complete);
        assertThat(failed.get(5, TimeUnit.SECONDS)).extracting(JobView::id).containsExactly(id);
    }

    @Test
    void shouldCancelAQueuedJobAndARunningOneButNotAFinishedOne() throws Exception {
        AsyncJobs jobs = start(settings(HOUR, 10));
        String running = accept(jobs, "{\"ms\": 1}", null).job().id();
        String queued = accept(jobs, "{\"ms\": 2}", null).job().id();
        HandPool.Run run = pool.next();

        Cancelled cancelQueued = cancel(jobs, queued);
        Cancelled cancelRunning = cancel(jobs, running);

        assertThat(cancelQueued.cancelled()).isTrue();
        assertThat(cancelQueued.job().state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelRunning.cancelled()).isTrue();
        assertThat(run.future()).isCancelled(); // the pool stops it
        assertThat(pool.runs).as("the queued job never reached the pool").isEmpty();
        Cancelled again = cancel(jobs, running);
        assertThat(again.cancelled()).isFalse();
        assertThat(again.job().state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancel(jobs, "AAAAAAAAAAAAAAAAAAAAAA").job()).isNull();
    }

    @Test
    void shouldGiveTheSameJobForTheSameIdempotencyKeyAndRefuseItForAnotherRequest() throws Exception {
        AsyncJobs jobs = start(settings(HOUR, 10));

        Accepted first = accept(jobs, "{\"ms\": 1}", "order-17");
        Accepted repeated = accept(jobs, "{\"ms\": 1}", "order-17");
        Accepted otherBody = accept(jobs, "{\"ms\": 2}", "order-17");

        assertThat(first.repeated()).isFalse();
        assertThat(repeated.repeated()).isTrue();
        assertThat(repeated.job().id()).isEqualTo(first.job().id());
        assertThat(otherBody.refusal()).isEqualTo(Accepted.Refusal.KEY_REUSED);
        assertThat(otherBody.message()).contains("'order-17'").contains(first.job().id());
        assertThat(accept(jobs, "{\"ms\": 1}", "order-18").job().id()).isNotEqualTo(first.job().id());
    }

    @Test
    void shouldForgetAResultOnceItsTtlHasPassed() throws Exception {
        AsyncJobs jobs = start(settings(Duration.ofMillis(300), 10));
        String id = accept(jobs, "{}", "key-1").job().id();
        pool.next().future().complete(bytes("1"));
        awaitState(jobs, id, JobState.DONE);

        await().atMost(Duration.ofSeconds(5)).until(() -> jobs.view(id) == null);
        assertThat(accept(jobs, "{}", "key-1").repeated()).as("the key is forgotten with its job").isFalse();
    }

    @Test
    void shouldRefuseJobsBeyondTheCapacityUntilOneFinishes() throws Exception {
        AsyncJobs jobs = start(settings(HOUR, 2));
        accept(jobs, "{}", null);
        accept(jobs, "{}", null);

        Accepted full = accept(jobs, "{}", null);

        assertThat(full.refusal()).isEqualTo(Accepted.Refusal.FULL);
        assertThat(full.message()).contains("2 accepted jobs are not finished yet (queue.capacity)");
        pool.next().future().complete(bytes("1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> accept(jobs, "{}", null).refusal() == null);
    }

    @Test
    void shouldHandAJobThePoolRefusedAsFullAgainLater() throws Exception {
        AsyncJobs jobs = start(settings(HOUR, 10));
        pool.refuseNext.set(1);

        String id = accept(jobs, "{}", null).job().id();

        pool.next().future().complete(bytes("1")); // the second hand-over
        awaitState(jobs, id, JobState.DONE);
        assertThat(jobs.view(id).attempt()).as("a refusal costs no attempt").isEqualTo(1);
    }

    @Test
    void shouldRunWhatWasQueuedOrRunningAgainAfterAStopCountingNoAttempt() throws Exception {
        AsyncJobs before = start(settings(HOUR, 10));
        String finished = accept(before, "{\"ms\": 1}", null).job().id();
        String interrupted = accept(before, "{\"ms\": 2}", null).job().id();
        String waiting = accept(before, "{\"ms\": 3}", "k").job().id();
        pool.next().future().complete(bytes("{\"slept\":1}"));
        pool.next(); // the second job runs when the service stops
        before.close();

        AsyncJobs after = start(settings(HOUR, 10));

        assertThat(after.view(finished).state()).isEqualTo(JobState.DONE);
        assertThat(new String(after.view(finished).result(), StandardCharsets.UTF_8)).isEqualTo("{\"slept\":1}");
        assertThat(pool.next().input()).isEqualTo("{\"ms\": 2}");
        awaitState(after, interrupted, JobState.RUNNING);
        assertThat(after.view(interrupted).attempt()).as("stopping was not the job's fault").isEqualTo(1);
        assertThat(after.view(waiting).state()).isEqualTo(JobState.QUEUED);
        assertThat(accept(after, "{\"ms\": 3}", "k").job().id()).as("keys survive the restart").isEqualTo(waiting);
    }

    @Test
    void shouldRunAgainAsAReRunWhatACrashInterruptedAndFailWhatCrashedItEveryTime() throws Exception {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, false)) { // what a crashed service leaves
            journal.replay(r -> { });
            journal.rewrite(List.of());
            journal.append(JournalRecord.accepted("job-a", "sleep", System.currentTimeMillis(), null, null, bytes("{\"ms\": 1}")));
            journal.append(JournalRecord.started("job-a", 1));
            journal.append(JournalRecord.accepted("job-b", "sleep", System.currentTimeMillis(), null, null, bytes("{\"ms\": 2}")));
            journal.append(JournalRecord.started("job-b", 2));
            journal.append(JournalRecord.accepted("job-c", "gone", System.currentTimeMillis(), null, null, bytes("{}")));
        }

        AsyncJobs jobs = start(settings(HOUR, 10));

        pool.next().future().complete(bytes("{\"slept\":1}"));
        awaitState(jobs, "job-a", JobState.DONE);
        assertThat(jobs.view("job-a").attempt()).as("a re-run").isEqualTo(2);
        assertThat(jobs.view("job-b").state()).isEqualTo(JobState.FAILED);
        assertThat(new String(jobs.view("job-b").error(), StandardCharsets.UTF_8))
                .contains("the service stopped 2 times while job job-b (sleep) ran (jobs.maxAttempts 2)");
        assertThat(new String(jobs.view("job-c").error(), StandardCharsets.UTF_8))
                .contains("handler 'gone' is not configured any more");
    }

    @Test
    void shouldStartANewJournalGenerationWhileServingOnceTheOldOneIsMostlyForgottenJobs() throws Exception {
        pool.finishAtOnce = true;
        // Results kept 50 ms: the jobs soon expire, and the records about them are all the journal holds.
        AsyncJobs before = start(settings(Duration.ofMillis(50), 100_000));
        int jobs = 40_000; // three records each (accepted, started, done): past the 100,000 that start a new generation
        CountDownLatch accepted = new CountDownLatch(jobs);
        for (int i = 0; i < jobs; i++) {
            before.accept("sleep", bytes("{\"ms\": " + i + "}"), null, Runnable::run, outcome -> accepted.countDown());
        }
        assertThat(accepted.await(30, TimeUnit.SECONDS)).isTrue();
        // The new generation's directory appears before its snapshot is synced and the old one deleted.
        await().alias("a second generation, the first deleted").atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(dir.resolve("gen-000000002")) && !Files.exists(dir.resolve("gen-000000001")));
        String last = accept(before, "{\"last\": true}", "last").job().id();
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.submitted.get() == jobs + 1); // and done at once
        before.close();

        AsyncJobs after = start(settings(HOUR, 100_000));

        assertThat(after.view(last)).as("read back from the new generation").isNotNull();
        assertThat(after.view(last).state()).isEqualTo(JobState.DONE);
        assertThat(pool.submitted.get()).as("no job ran twice").isEqualTo(jobs + 1);
    }

    private AsyncJobs start(AsyncSettings settings) {
        AsyncJobs jobs = AsyncJobs.start(settings, (handler, failure) -> bytes("{\"error\":\"" + failure.getMessage() + "\"}"));
        jobs.runOn(pool, () -> 1);
        started.add(jobs);
        return jobs;
    }

    /** One worker, one host, a journal in {@link #dir}. */
    private AsyncSettings settings(Duration ttl, int capacity) {
        return new AsyncSettings(Optional.of(dir), false, ttl, capacity, 2, 1, Map.of("sleep", "demo.Sleep"));
    }

    private static Accepted accept(AsyncJobs jobs, String input, String key) throws Exception {
        CompletableFuture<Accepted> reply = new CompletableFuture<>();
        jobs.accept("sleep", bytes(input), key, Runnable::run, reply::complete);
        return reply.get(5, TimeUnit.SECONDS);
    }

    private static Cancelled cancel(AsyncJobs jobs, String id) throws Exception {
        CompletableFuture<Cancelled> reply = new CompletableFuture<>();
        jobs.cancel(id, Runnable::run, reply::complete);
        return reply.get(5, TimeUnit.SECONDS);
    }

    private static void awaitState(AsyncJobs jobs, String id, JobState state) {
        await().atMost(Duration.ofSeconds(5)).until(() -> jobs.view(id) != null && jobs.view(id).state() == state);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A pool whose jobs finish when the test says so; it can refuse the next few as full. */
    static final class HandPool implements AsyncJobs.Submitter {
        record Run(String handlerClass, String input, CompletableFuture<byte[]> future) {
        }

        final BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
        final AtomicInteger refuseNext = new AtomicInteger();
        final AtomicInteger submitted = new AtomicInteger();
        volatile boolean finishAtOnce;

        @Override
        public CompletableFuture<byte[]> submit(String handlerClass, byte[] input, JobOptions options) {
            if (refuseNext.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new PoolRejectedException(PoolRejectedException.Reason.QUEUE_FULL, "full"));
            }
            submitted.incrementAndGet();
            if (finishAtOnce) {
                return CompletableFuture.completedFuture(input);
            }
            CompletableFuture<byte[]> future = new CompletableFuture<>();
            runs.add(new Run(handlerClass, new String(input, StandardCharsets.UTF_8), future));
            return future;
        }

        Run next() throws InterruptedException {
            Run run = runs.poll(5, TimeUnit.SECONDS);
            assertThat(run).as("a job handed to the pool").isNotNull();
            return run;
        }
    }
}
