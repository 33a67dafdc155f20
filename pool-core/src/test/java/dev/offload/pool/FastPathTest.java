package dev.offload.pool;

import dev.offload.pool.handlers.Progress;
import dev.offload.pool.handlers.Sleep;
import dev.offload.pool.handlers.Square;
import dev.offload.pool.handlers.SquareOrHalt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The data path end to end: {@code submit()} writing JOB frames straight into workers' queues,
 * several jobs in flight per worker with a credit that follows how long jobs run, a caller waiting
 * in {@code join()} taking the reader role and reading its own answer, and the reader thread taking
 * over whenever nobody waits.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FastPathTest {

    /**
     * Once the caller's path is compiled. In a fresh JVM the time from writing the JOB frame to
     * taking the reader role in join() is long enough for the worker to answer first about half the
     * time, and the pool's reader thread, woken by the worker's doorbell, reads that answer: 1,898-2,480
     * of the first 5,000 read by the caller in five runs of this test alone, before and after the
     * loop's brief sweep (`.ci/run` failed once with 2,382). After 20,000 jobs 2,572-4,202 of the
     * next 5,000, after 100,000 jobs 3,096-3,968 (a plain main with the default config, after
     * 400,000: 99.7 %).
     */
    @Test
    void aCallerThatSubmitsAndJoinsInTurnShouldReadItsOwnAnswers() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            int warmUp = 100_000;
            int jobs = 5_000;
            for (long i = 0; i < warmUp; i++) {
                assertThat(pool.submit(Square.class, i).join()).isEqualTo(i * i);
            }
            Counters c = pool.counters();
            long sentBefore = c.sentBySubmit.sum();
            long readBefore = c.readByCaller.sum();
            long wakeupsBefore = c.readerWakeups.sum();
            for (long i = 0; i < jobs; i++) {
                assertThat(pool.submit(Square.class, i).join()).isEqualTo(i * i);
            }
            long sent = c.sentBySubmit.sum() - sentBefore;
            long read = c.readByCaller.sum() - readBefore;
            System.out.printf("%,d joined jobs after %,d: %,d written by submit(), %,d read by the caller, %,d reader wake-ups%n",
                    jobs, warmUp, sent, read, c.readerWakeups.sum() - wakeupsBefore);
            assertThat(sent).isPositive();
            assertThat(read).isGreaterThan(jobs / 2);
            assertThat(pool.stats().completed()).isEqualTo(warmUp + jobs);
            assertThat(pool.stats().busy()).isZero();
        }
    }

    @Test
    void aJobLongerThanTheSpinShouldBeReadByTheReaderThreadOnceTheCallerGivesUp() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            joinInTurn(pool);
            long wakeupsBefore = pool.counters().readerWakeups.sum();
            assertThat(pool.submit(Sleep.class, 200L).join()).isGreaterThanOrEqualTo(200L);
            assertThat(pool.counters().readerWakeups.sum()).isGreaterThan(wakeupsBefore);
            // and callers read their own answers again afterwards
            long readBefore = pool.counters().readByCaller.sum();
            joinInTurn(pool);
            assertThat(pool.counters().readByCaller.sum()).isGreaterThan(readBefore);
        }
    }

    @Test
    void aJobNobodyWaitsForShouldStillBeAnsweredWhileCallersReadTheirOwn() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-callback-caller"));
            try {
                for (int round = 0; round < 50; round++) {
                    joinInTurn(pool);
                    // The thread that read last submits without waiting: the reader thread answers it.
                    CompletableFuture<Long> unwaited = pool.submit(Square.class, 7L);
                    await().atMost(Duration.ofSeconds(10)).until(unwaited::isDone);
                    assertThat(unwaited.join()).isEqualTo(49L);

                    joinInTurn(pool);
                    CompletableFuture<Long> fromOther = other.submit(() -> pool.submit(Square.class, 9L)).get(10, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(10)).until(fromOther::isDone);
                    assertThat(fromOther.join()).isEqualTo(81L);
                }
                assertThat(pool.stats().completed()).isEqualTo(50 * (2 * 200 + 2));
                assertThat(pool.counters().lateReads.sum()).as("answers found only by the safety net").isZero();
            } finally {
                other.shutdownNow();
                assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void progressShouldReachTheListenerInOrderWhenTheCallerReadsItsOwnAnswer() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            for (int round = 0; round < 200; round++) {
                List<Object> seen = new CopyOnWriteArrayList<>();
                Integer result = pool.submit(Progress.class, 5, JobOptions.defaults().withProgressListener(seen::add)).join();
                assertThat(result).isEqualTo(5);
                assertThat(seen).containsExactly(Map.of("step", 1), Map.of("step", 2), Map.of("step", 3),
                        Map.of("step", 4), Map.of("step", 5));
            }
            assertThat(pool.counters().readByCaller.sum()).isPositive();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shm", "pipe"})
    void aWorkerShouldHoldSeveralShortJobsAtOnceAndAnswerThemInOrder(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).build())) {
            joinInTurn(pool); // the credit learns that these jobs are short
            List<Long> order = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            JobOptions inReadingOrder = JobOptions.defaults().withExecutor(Runnable::run);
            for (long i = 0; i < 2_000; i++) {
                long n = i;
                futures.add(pool.submit(Square.class, i, inReadingOrder).whenComplete((v, e) -> order.add(n)));
            }
            futures.forEach(CompletableFuture::join);
            WorkerLink link = pool.links()[0];
            System.out.printf("%s: credit %d, most held at once %d%n", transport, link.credit(), link.mostHeld());
            assertThat(link.mostHeld()).as("jobs in flight on the one worker at once").isGreaterThan(1);
            assertThat(link.credit()).isGreaterThan(1);
            assertThat(order).isSortedAccordingTo(Long::compare);
        }
    }

    /**
     * A worker with a long run of tiny jobs in hand answers them in groups, one shm document each
     * ({@code JobRunner}); every job still gets its own answer, once and in order.
     */
    @Test
    void aWorkerShouldAnswerARunOfTinyJobsInGroupsAndEveryJobOnceInOrder() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            joinInTurn(pool);
            List<Long> order = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            JobOptions inReadingOrder = JobOptions.defaults().withExecutor(Runnable::run);
            Semaphore permits = new Semaphore(256);
            for (long i = 0; i < 20_000; i++) {
                permits.acquireUninterruptibly();
                long n = i;
                futures.add(pool.submit(Square.class, n, inReadingOrder).whenComplete((v, e) -> {
                    if (e == null && v == n * n) {
                        order.add(n);
                    }
                    permits.release();
                }));
            }
            futures.forEach(CompletableFuture::join);
            assertThat(order).hasSize(20_000).isSortedAccordingTo(Long::compare);
            long[] read = ((dev.offload.transport.internal.shm.ShmChannel) pool.links()[0].channel).inboundDocumentsAndFrames();
            System.out.printf("20,000 tiny jobs, 256 in flight: %,d answer frames in %,d documents%n", read[1], read[0]);
            assertThat(read[1]).as("frames read").isGreaterThan(20_000);
            assertThat(read[0]).as("documents read").isLessThan(read[1] / 2);
        }
    }

    /**
     * A caller that submits a thousand tiny jobs at once, more than the worker's credit, sends their
     * JOB frames in groups, several to a queue document (the submitting thread's and the reader
     * role's sends alike); when it stops, the frames still held reach the worker once it runs low,
     * with nobody submitting again: every job is answered.
     */
    @Test
    void aCallerSubmittingManyTinyJobsShouldSendThemInGroupsAndTheLastHeldOnesShouldStillBeAnswered() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            WorkerLink link = pool.links()[0];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                joinInTurn(pool); // until the credit says these jobs are short enough to hold
                return link.credit() > WorkerLink.HOLD_AHEAD;
            });
            dev.offload.transport.internal.shm.ShmChannel channel = (dev.offload.transport.internal.shm.ShmChannel) link.channel;
            long[] before = channel.outboundDocumentsAndFrames();
            int mostHeld = 0;
            for (int round = 0; round < 20; round++) {
                List<CompletableFuture<Long>> futures = new ArrayList<>();
                for (long i = 0; i < 1_000; i++) {
                    futures.add(pool.submit(Square.class, i));
                    mostHeld = Math.max(mostHeld, channel.heldFrames());
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).as("round " + round + ", job " + i).isEqualTo((long) i * i);
                }
                assertThat(channel.heldFrames()).as("frames held once every job was answered").isZero();
                assertThat(pool.links()).as("the worker that got them, still serving: no stall had it replaced").containsExactly(link);
            }
            assertThat(pool.stats().crashes()).isZero();
            long[] after = channel.outboundDocumentsAndFrames();
            long documents = after[0] - before[0];
            long frames = after[1] - before[1];
            System.out.printf("20 × 1,000 tiny jobs submitted at once: %,d JOB frames in %,d documents; at most %d held%n",
                    frames, documents, mostHeld);
            assertThat(frames).as("frames written").isEqualTo(20_000);
            assertThat(mostHeld).as("frames held at once, seen by the submitting thread").isPositive();
            assertThat(documents).as("documents written").isLessThan(frames / 2);
        }
    }

    /**
     * A queued job that the reader role has taken out to send still counts as queued: a job
     * submitted meanwhile waits behind it instead of reaching the worker first, so one worker
     * answers them in submit order. (A refill that took its job out, then lost the race for the
     * dispatch lock to a submit, let that submit's job overtake it; `.ci/run`-style repeats of
     * {@link #aWorkerShouldAnswerARunOfTinyJobsInGroupsAndEveryJobOnceInOrder} caught it once in
     * three.) This thread plays the role holder, between the take and the send.
     */
    @Test
    void aJobSubmittedWhileTheReaderRoleSendsAQueuedOneShouldNotOvertakeIt() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            joinInTurn(pool);
            WorkerLink link = pool.links()[0];
            JobOptions inReadingOrder = JobOptions.defaults().withExecutor(Runnable::run);
            List<Long> order = new CopyOnWriteArrayList<>();
            ReaderRole.Holder me = ReaderRole.mine();
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.reader().role.tryAcquire(me));
            CompletableFuture<Long> first;
            CompletableFuture<Long> second;
            try {
                // The first job finds the worker's dispatch lock taken by another thread: it is queued.
                try (DispatchLockHolder holder = new DispatchLockHolder(link)) {
                    first = pool.submit(Square.class, 1L, inReadingOrder).whenComplete((v, e) -> order.add(1L));
                }
                assertThat(pool.queue().size()).as("jobs queued").isEqualTo(1);
                Job taken = pool.queue().take(); // as Dispatcher.refill does
                assertThat(taken).isNotNull();
                long sentBefore = pool.counters().sentBySubmit.sum();
                second = pool.submit(Square.class, 2L, inReadingOrder).whenComplete((v, e) -> order.add(2L));
                assertThat(pool.counters().sentBySubmit.sum()).as("jobs sent by submit() while another was on its way")
                        .isEqualTo(sentBefore);
                assertThat(pool.dispatcher().send(link, taken, false)).isTrue();
                pool.queue().taken();
                pool.dispatcher().refill(link, false, System.nanoTime());
            } finally {
                pool.reader().role.release(me);
            }
            pool.reader().requestDispatch();
            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(4L);
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThat(order).containsExactly(1L, 2L);
        }
    }

    /**
     * A worker SIGKILLed while the caller holds JOB frames for it, written to no queue yet: those
     * jobs never started and lose no attempt. With one attempt each, only the job that was running
     * when the worker died may fail; every other one completes, on the replacement.
     */
    @Test
    void jobsHeldForAWorkerThatDiesShouldNotLoseAnAttempt() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).maxAttempts(1).build())) {
            int heldAtKill = 0;
            int failed = 0;
            for (int round = 0; round < 20 && heldAtKill == 0; round++) {
                WorkerLink link = pool.links()[0];
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    joinInTurn(pool);
                    return link.credit() > WorkerLink.HOLD_AHEAD;
                });
                List<CompletableFuture<Long>> futures = new ArrayList<>();
                for (long i = 0; i < 1_000; i++) {
                    futures.add(pool.submit(Square.class, i));
                    int held = link.channel.heldFrames();
                    if (heldAtKill == 0 && i >= 64 && held > 0) {
                        ProcessHandle.of(link.worker.pid()).orElseThrow().destroyForcibly();
                        heldAtKill = held;
                    }
                }
                int failedThisRound = 0;
                for (int i = 0; i < futures.size(); i++) {
                    try {
                        assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).as("job " + i).isEqualTo((long) i * i);
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e).hasCauseInstanceOf(WorkerCrashedException.class);
                        failedThisRound++;
                    }
                }
                assertThat(failedThisRound).as("jobs failed after one kill (the one running, if any)").isLessThanOrEqualTo(1);
                failed += failedThisRound;
            }
            System.out.printf("killed a worker while %d JOB frames were held for it; %d job failed%n", heldAtKill, failed);
            assertThat(heldAtKill).as("JOB frames held when the worker was killed").isPositive();
        }
    }

    /**
     * The reader role sends queued jobs with the time it read the answer that freed the credit, read
     * before it polled them; a job submitted meanwhile by another thread was submitted after that.
     * Its send time is then its submit time: a queue wait is never negative (found as a negative
     * {@code queueTime} in a JFR event).
     */
    @Test
    void aSendTimedBeforeTheJobWasSubmittedShouldCountAsSentWhenSubmitted() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            joinInTurn(pool);
            JobFuture<Object> future = new JobFuture<>();
            Job job = new Job(1L << 40, 1L << 40, Square.class.getName(), dev.offload.worker.internal.PayloadCodec.encode(6L),
                    null, 0, 1, Duration.ZERO, null, null, future);
            future.job = job;
            long readBefore = job.submittedAt - 5_000_000; // an answer read 5 ms before the job was submitted
            assertThat(pool.links()[0].tryDispatch(job, false, 0, pool.counters(), readBefore)).isTrue();
            assertThat(job.sentAt).as("send time").isEqualTo(job.submittedAt);
            assertThat(new String((byte[]) future.get(30, TimeUnit.SECONDS), java.nio.charset.StandardCharsets.UTF_8))
                    .as("the raw JSON answer").isEqualTo("36");
            assertThat(pool.stats().queueWait().count()).isEqualTo(200 + 1);
        }
    }

    /**
     * A poison job in a run of tiny jobs of its own handler kills its worker while answers to the
     * jobs before it are held back: those jobs ran, and are run again without costing an attempt;
     * only the poison job is charged, and it fails once its attempts are used up.
     */
    @Test
    void aPoisonJobAmongTinyJobsWhoseAnswersWereHeldShouldBeTheOnlyOneChargedForTheCrash() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).maxAttempts(2).build())) {
            for (long i = 0; i < 200; i++) {
                assertThat(pool.submit(SquareOrHalt.class, i).join()).isEqualTo(i * i);
            }
            Semaphore permits = new Semaphore(256);
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            int poison = 1_500;
            for (long i = 0; i < 3_000; i++) {
                assertThat(permits.tryAcquire(60, TimeUnit.SECONDS)).as("a permit back within 60 s").isTrue();
                CompletableFuture<Long> f = pool.submit(SquareOrHalt.class, i == poison ? -1L : i);
                f.whenComplete((v, e) -> permits.release());
                futures.add(f);
            }
            for (int i = 0; i < futures.size(); i++) {
                if (i == poison) {
                    Throwable failure = catchThrowable(() -> futures.get(poison).get(60, TimeUnit.SECONDS));
                    assertThat(failure).hasCauseInstanceOf(WorkerCrashedException.class);
                    assertThat(failure.getCause()).hasMessageContaining("on attempt 2 of 2");
                } else {
                    assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).as("job " + i).isEqualTo((long) i * i);
                }
            }
            PoolStats stats = pool.stats();
            System.out.printf("3,000 tiny jobs, one poison: %d crashes, %d failed, %d completed%n",
                    stats.crashes(), stats.failed(), stats.completed());
            assertThat(stats.crashes()).isEqualTo(2);
            assertThat(stats.failed()).isEqualTo(1);
        }
    }

    /**
     * The answer to a tiny job goes out at once when the job behind it is for another handler, even
     * after a long run of tiny jobs: it must not wait for that job, which may be long.
     */
    @Test
    void aTinyJobsAnswerShouldNotWaitForTheJobOfAnotherHandlerQueuedBehindIt() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            joinInTurn(pool);
            assertThat(pool.links()[0].credit()).as("credit learned on tiny jobs").isGreaterThan(1);
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<Long>> tiny = new ArrayList<>();
                for (long i = 0; i < 200; i++) {
                    tiny.add(pool.submit(Square.class, i));
                }
                CompletableFuture<Long> slow = pool.submit(Sleep.class, 3_000L);
                for (CompletableFuture<Long> f : tiny) {
                    f.get(2, TimeUnit.SECONDS); // a held answer would wait the 3 s of the job behind it
                }
                assertThat(slow.isDone()).as("the 3 s job, still running").isFalse();
                assertThat(slow.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3_000L);
            }
        }
    }

    /**
     * One thread keeping 256 short jobs in flight on two workers: the reader thread naps between
     * batches of answers instead of sleeping on the doorbells, and every job still gets its own
     * answer once. Jobs that run long do not keep it napping.
     */
    @ParameterizedTest
    @ValueSource(strings = {"shm", "pipe"})
    void theReaderThreadShouldNapBetweenBatchesWhileManyShortJobsAreInFlightAndNotKeepNappingForLongOnes(String transport) throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 2).build())) {
            Semaphore permits = new Semaphore(256);
            AtomicInteger wrong = new AtomicInteger();
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (long i = 0; i < 100_000; i++) {
                assertThat(permits.tryAcquire(30, TimeUnit.SECONDS)).as("a permit back within 30 s").isTrue();
                long n = i;
                CompletableFuture<Long> f = pool.submit(Square.class, n);
                f.whenComplete((v, e) -> {
                    if (e != null || v != n * n) {
                        wrong.incrementAndGet();
                    }
                    permits.release();
                });
                if (i % 1_000 == 0) {
                    futures.add(f);
                }
            }
            for (CompletableFuture<Long> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(permits.tryAcquire(256, 30, TimeUnit.SECONDS)).as("every job answered").isTrue();
            Counters c = pool.counters();
            System.out.printf("%s: 100,000 jobs, 256 in flight: %,d reader naps, %,d reader wake-ups%n",
                    transport, c.readerNaps.sum(), c.readerWakeups.sum());
            assertThat(wrong.get()).as("jobs answered wrongly or failed").isZero();
            assertThat(pool.stats().completed()).isEqualTo(100_000);
            assertThat(c.readerNaps.sum()).as("naps of the reader thread").isPositive();

            long napsBefore = c.readerNaps.sum();
            List<CompletableFuture<Long>> slow = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                slow.add(pool.submit(Sleep.class, 20L));
            }
            for (CompletableFuture<Long> f : slow) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(20L);
            }
            // The credit learned on short jobs lets the first long ones queue deep until it learns
            // again; a nap that finds nothing stops the napping until the next answer, so at most
            // about one nap per answer, not one every few tens of microseconds for 400 ms.
            long naps = c.readerNaps.sum() - napsBefore;
            System.out.printf("%s: 40 jobs of 20 ms: %d reader naps%n", transport, naps);
            assertThat(naps).as("naps while 40 jobs of 20 ms ran").isLessThanOrEqualTo(2 * 40 + 10);
        }
    }

    /**
     * After an idle spell the supervisor sleeps its long tick; the first submit wakes it, so its
     * busy ticks (and the spin gate's sampling of the machine) start with the work. A caller that
     * submits job after job keeps it ticking and does not wake it per job.
     */
    @Test
    void theFirstSubmitAfterAnIdleSpellShouldWakeTheSupervisorAndASteadyCallerShouldNot() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            joinInTurn(pool);
            await().atMost(Duration.ofSeconds(10)).until(pool.supervisor()::inIdleTick);
            long before = pool.counters().supervisorWokenByWork.sum();
            assertThat(pool.submit(Square.class, 3L).join()).isEqualTo(9L);
            assertThat(pool.counters().supervisorWokenByWork.sum() - before).as("wake-ups by the first submit").isEqualTo(1);

            long steadyBefore = pool.counters().supervisorWokenByWork.sum();
            for (int round = 0; round < 10; round++) {
                joinInTurn(pool);
            }
            long woken = pool.counters().supervisorWokenByWork.sum() - steadyBefore;
            System.out.printf("2,000 jobs in turn: the supervisor was woken by a submit %d times%n", woken);
            assertThat(woken).as("wake-ups by 2,000 submits in turn").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aWorkerShouldHoldOneLongJobAtATime() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            joinInTurn(pool);
            for (int i = 0; i < 4; i++) {
                assertThat(pool.submit(Sleep.class, 20L).join()).isGreaterThanOrEqualTo(20L);
            }
            assertThat(pool.links()[0].credit()).as("credit after 20 ms jobs").isEqualTo(1);
        }
    }

    /**
     * A worker SIGKILLed while it holds a running job and several queued behind it: the running
     * one uses its only attempt and fails; the ones that never started lose nothing and complete
     * on the replacement.
     */
    @Test
    void jobsQueuedBehindTheRunningOneShouldNotLoseAnAttemptWhenTheirWorkerDies() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).maxAttempts(1).build())) {
            WorkerLink warm = pool.links()[0];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                joinInTurn(pool); // until the credit has learned that these jobs are short
                return warm.credit() > 2;
            });
            CompletableFuture<Long> running = pool.submit(Sleep.class, 30_000L);
            List<CompletableFuture<Long>> behind = new ArrayList<>();
            for (long i = 0; i < 20; i++) {
                behind.add(pool.submit(Square.class, i));
            }
            WorkerLink link = pool.links()[0];
            await().atMost(Duration.ofSeconds(10)).until(() -> link.load() > 1);
            int held = link.load();
            ProcessHandle.of(link.worker.pid()).orElseThrow().destroyForcibly();
            assertThat(catchThrowable(() -> running.get(30, TimeUnit.SECONDS))).hasCauseInstanceOf(WorkerCrashedException.class);
            for (int i = 0; i < behind.size(); i++) {
                assertThat(behind.get(i).get(30, TimeUnit.SECONDS)).isEqualTo((long) i * i);
            }
            System.out.printf("the killed worker held %d jobs%n", held);
        }
    }

    /** The kills after which the racing callers stop, if they have not run all their jobs. */
    private static final int RACING_KILLS = 60;

    /**
     * Two threads, two workers, and a serving worker SIGKILLed every 300 ms: each thread runs jobs
     * one at a time, mostly waiting in join() (so callers take the reader role, racing each other
     * and the reader thread), sometimes only through a dependent stage. Every job must finish
     * exactly once with its own answer.
     *
     * <p>Each thread runs 8,000 jobs, or stops early once the storm has killed {@value #RACING_KILLS}
     * workers: the storm, not the job count, is the test, and how many jobs fit between kills is
     * the machine's speed at starting JVMs: on a 2-core VM where a shm worker's start costs about
     * 750 ms of CPU, 16,000 jobs took 90-106 s, about 130 jobs a kill, close to the 120 s timeout.
     */
    @Test
    void callersRacingForTheReaderRoleWhileWorkersDieShouldEachGetTheirOwnAnswerOnce() throws Exception {
        int threads = 2;
        int perThread = 8_000;
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 2).maxAttempts(20).build())) {
            ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "offload-test-chaos"));
            ExecutorService callers = Executors.newFixedThreadPool(threads, r -> new Thread(r, "test-caller"));
            AtomicInteger kills = new AtomicInteger();
            LongAdder answered = new LongAdder();
            try {
                chaos.scheduleAtFixedRate(() -> Arrays.stream(pool.links()).map(link -> link.worker.pid())
                        .map(ProcessHandle::of).flatMap(Optional::stream).filter(ProcessHandle::isAlive).findAny()
                        .ifPresent(worker -> {
                            worker.destroyForcibly();
                            kills.incrementAndGet();
                        }), 300, 300, TimeUnit.MILLISECONDS);
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long base = t * 1_000_000L;
                    done.add(callers.submit(() -> {
                        for (long i = base; i < base + perThread && kills.get() < RACING_KILLS; i++) {
                            CompletableFuture<Long> square = pool.submit(Square.class, i);
                            long answer = i % 10 == 0 ? square.thenApply(v -> v).get(60, TimeUnit.SECONDS) : square.join();
                            assertThat(answer).isEqualTo(i * i);
                            answered.increment();
                        }
                        return 1;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertThat(f.get(150, TimeUnit.SECONDS)).isEqualTo(1);
                }
            } finally {
                chaos.shutdownNow();
                callers.shutdownNow();
                assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
            PoolStats stats = pool.stats();
            Counters c = pool.counters();
            System.out.printf("racing callers: %,d jobs, %d kills, %d crashes seen; %,d written by submit(), %,d read by callers%n",
                    stats.completed(), kills.get(), stats.crashes(), c.sentBySubmit.sum(), c.readByCaller.sum());
            assertThat(stats.completed()).isEqualTo(answered.sum());
            assertThat(stats.completed()).isGreaterThanOrEqualTo(1_000L); // between kills, not only around them
            assertThat(stats.failed()).isZero();
            assertThat(kills.get()).isPositive();
            assertThat(c.readByCaller.sum()).isPositive();
        }
    }

    /** Sequential joined jobs: the caller reads its own answers, and the credit learns they are short. */
    private static void joinInTurn(WorkerPool pool) {
        for (long i = 0; i < 200; i++) {
            assertThat(pool.submit(Square.class, i).join()).isEqualTo(i * i);
        }
    }
}
