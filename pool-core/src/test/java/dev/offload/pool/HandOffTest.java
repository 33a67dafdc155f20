package dev.offload.pool;

import dev.offload.pool.handlers.Progress;
import dev.offload.pool.handlers.Sleep;
import dev.offload.pool.handlers.Square;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shm fast path end to end: {@code submit()} handing a job to the slot spinning for work, and
 * the caller waiting in {@code join()} reading its own answer while the slot thread parks; and
 * every way that path falls back to the slot thread (a long job, a caller that does not wait, a
 * caller that is not the one that read before).
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HandOffTest {

    @Test
    void aCallerThatSubmitsAndJoinsInTurnShouldReadItsOwnAnswers() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            for (long i = 0; i < 5_000; i++) {
                assertThat(pool.submit(Square.class, i).join()).isEqualTo(i * i);
            }
            Counters c = pool.counters();
            System.out.printf("5,000 joined jobs: %,d handed over, %,d written by submit(), %,d read by the caller%n",
                    c.handedOver.sum(), c.sentBySubmit.sum(), c.readByCaller.sum());
            assertThat(c.handedOver.sum()).isPositive();
            assertThat(c.readByCaller.sum()).isPositive();
            assertThat(pool.stats().completed()).isEqualTo(5_000);
            assertThat(pool.stats().busy()).isZero();
        }
    }

    @Test
    void aJobLongerThanTheSpinShouldBeReadByTheSlotThreadOnceTheCallerGivesUp() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            warmUpLending(pool);
            long readBefore = pool.counters().readByCaller.sum();
            assertThat(pool.submit(Sleep.class, 200L).join()).isGreaterThanOrEqualTo(200L);
            assertThat(pool.counters().readByCaller.sum()).isEqualTo(readBefore);
            // and the slot still serves callers that read their own answers afterwards
            warmUpLending(pool);
            assertThat(pool.counters().readByCaller.sum()).isGreaterThan(readBefore);
        }
    }

    @Test
    void aJobNobodyWaitsForShouldStillBeAnsweredWhileCallersReadTheirOwn() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-callback-caller"));
            try {
                for (int round = 0; round < 50; round++) {
                    warmUpLending(pool);
                    // The thread that read last submits without waiting: the slot thread's timer takes it.
                    CompletableFuture<Long> unwaited = pool.submit(Square.class, 7L);
                    await().atMost(Duration.ofSeconds(10)).until(unwaited::isDone);
                    assertThat(unwaited.join()).isEqualTo(49L);

                    warmUpLending(pool);
                    // Another thread submits with a callback only: its submit wakes the slot thread.
                    CompletableFuture<Long> fromOther = other.submit(() -> pool.submit(Square.class, 9L)).get(10, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(10)).until(fromOther::isDone);
                    assertThat(fromOther.join()).isEqualTo(81L);
                }
                assertThat(pool.stats().completed()).isEqualTo(50 * (2 * 200 + 2));
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

    /**
     * Two threads, two workers, and a serving worker SIGKILLed every 300 ms: each thread runs jobs
     * one at a time, mostly waiting in join() (so callers claim slots and read on loan, racing each
     * other and the slot threads), sometimes only through a dependent stage. Every job must finish
     * exactly once with its own answer.
     */
    @Test
    void callersRacingForSlotsWhileWorkersDieShouldEachGetTheirOwnAnswerOnce() throws Exception {
        int threads = 2;
        int perThread = 8_000;
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 2).maxAttempts(20).build())) {
            ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "offload-test-chaos"));
            ExecutorService callers = Executors.newFixedThreadPool(threads, r -> new Thread(r, "test-caller"));
            AtomicInteger kills = new AtomicInteger();
            try {
                chaos.scheduleAtFixedRate(() -> pool.slots().stream().map(slot -> slot.worker().pid())
                        .map(ProcessHandle::of).flatMap(Optional::stream).filter(ProcessHandle::isAlive).findAny()
                        .ifPresent(worker -> {
                            worker.destroyForcibly();
                            kills.incrementAndGet();
                        }), 300, 300, TimeUnit.MILLISECONDS);
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long base = t * 1_000_000L;
                    done.add(callers.submit(() -> {
                        for (long i = base; i < base + perThread; i++) {
                            CompletableFuture<Long> square = pool.submit(Square.class, i);
                            long answer = i % 10 == 0 ? square.thenApply(v -> v).get(60, TimeUnit.SECONDS) : square.join();
                            assertThat(answer).isEqualTo(i * i);
                        }
                        return perThread;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertThat(f.get(150, TimeUnit.SECONDS)).isEqualTo(perThread);
                }
            } finally {
                chaos.shutdownNow();
                callers.shutdownNow();
                assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
            PoolStats stats = pool.stats();
            Counters c = pool.counters();
            System.out.printf("racing callers: %,d jobs, %d kills, %d crashes seen; %,d handed over, %,d read by callers%n",
                    stats.completed(), kills.get(), stats.crashes(), c.handedOver.sum(), c.readByCaller.sum());
            assertThat(stats.completed()).isEqualTo((long) threads * perThread);
            assertThat(stats.failed()).isZero();
            assertThat(kills.get()).isPositive();
            assertThat(c.readByCaller.sum()).isPositive();
        }
    }

    /** Sequential joined jobs, so that the slot is handed over and the caller reads its answers. */
    private static void warmUpLending(WorkerPool pool) {
        for (long i = 0; i < 200; i++) {
            assertThat(pool.submit(Square.class, i).join()).isEqualTo(i * i);
        }
    }
}
