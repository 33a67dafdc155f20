package dev.offload.pool;

import dev.offload.pool.handlers.Echo;
import dev.offload.pool.handlers.Sleep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.blockhound.BlockHound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * BlockHound marks the caller's thread non-blocking: any park, sleep or blocking I/O reached from
 * {@code submit()} on it throws. Covers an empty queue, a full queue and a closed pool.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubmitNeverBlocksTest {
    private static final String CALLER = "event-loop-caller";

    @BeforeAll
    static void installBlockHound() {
        BlockHound.builder()
                .nonBlockingThreadPredicate(p -> p.or(t -> t.getName().equals(CALLER)))
                .install();
    }

    @Test
    void shouldNeverBlockTheCallerWhetherTheQueueIsEmptyFullOrThePoolClosed() throws Exception {
        WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).queueCapacity(3).build());
        try {
            // Warm up class loading and handler type resolution on an ordinary thread first.
            assertThat(pool.submit(Echo.class, "warm").join()).isEqualTo("warm");
            assertThat(pool.submit(Sleep.class, 0L).join()).isNotNull();

            List<CompletableFuture<?>> emptyQueue = onCaller(() -> List.of(pool.submit(Echo.class, "a")));
            assertThat(emptyQueue.get(0).join()).isEqualTo("a");

            CompletableFuture<Long> blocker = pool.submit(Sleep.class, 60_000L);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.stats().busy() == 1);
            List<CompletableFuture<?>> fullQueue = onCaller(() -> {
                List<CompletableFuture<?>> futures = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    futures.add(pool.submit(Echo.class, "q" + i));
                }
                return futures;
            });
            assertThat(fullQueue.subList(3, 5)).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
            blocker.cancel(true);
            assertThat(fullQueue.get(0).join()).isEqualTo("q0");

            pool.close();
            List<CompletableFuture<?>> closed = onCaller(() -> List.of(pool.submit(Echo.class, "late")));
            assertThat(closed.get(0)).isCompletedExceptionally();
        } finally {
            pool.close();
        }
    }

    /**
     * Over shm, submit() appends the JOB frame itself into a worker's queue: that append must not
     * block either, nor waking a sleeping worker (one non-blocking socket write). Over pipes (and
     * so on a shm pool's stand-ins) it queues the frame for the channel's writer thread, lock-free.
     */
    @ParameterizedTest
    @ValueSource(strings = {"shm", "pipe"})
    void shouldNotBlockWhenSubmitWritesTheJobStraightIntoAWorkersQueue(String transport) throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).shmStartOverPipe("never").build())) {
            assertThat(pool.submit(Echo.class, "warm").join()).isEqualTo("warm");
            long sentBefore = pool.counters().sentBySubmit.sum();
            List<CompletableFuture<?>> last = onCaller(() -> {
                CompletableFuture<?> f = null;
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
                int n = 0;
                while (System.nanoTime() < end) {
                    f = pool.submit(Echo.class, "e" + n++);
                    while (!f.isDone()) {
                        // a plain busy wait: BlockHound counts Thread.onSpinWait and yield as blocking
                    }
                }
                return List.of(f);
            });
            assertThat(last.get(0)).isCompleted();
            long sent = pool.counters().sentBySubmit.sum() - sentBefore;
            System.out.printf("%,d jobs written by submit()%n", sent);
            assertThat(sent).isPositive();
        }
    }

    /** Runs {@code body} on the non-blocking caller thread; rethrows what BlockHound raised there. */
    private static List<CompletableFuture<?>> onCaller(java.util.function.Supplier<List<CompletableFuture<?>>> body)
            throws InterruptedException {
        AtomicReference<List<CompletableFuture<?>>> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.set(body.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, CALLER);
        caller.start();
        caller.join(30_000);
        assertThat(failure.get()).as("blocking call detected on the caller thread").isNull();
        return result.get();
    }
}
