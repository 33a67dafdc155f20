package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import dev.offload.pool.PoolProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BlockHound watches the event-loop threads while clients load every path of the server: jobs,
 * results, errors of each kind, pipelining, /health, /stats and /metrics, asynchronous jobs (accepted,
 * journaled with {@code journal.flush: sync}, read, cancelled, repeated with a key, the dead
 * letters), slow clients timed out, a connection over the limit, and a close that cancels a
 * running job. Any park, sleep, wait or blocking I/O on a loop is recorded with its stack, and the
 * test fails listing them.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventLoopNeverBlocksTest {
    private static final List<String> BLOCKING_CALLS = new CopyOnWriteArrayList<>();
    private static final Duration LOAD = Duration.ofSeconds(4);

    @RegisterExtension
    final ServerUnderTest underTest = new ServerUnderTest();

    @TempDir
    Path journal;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.Builder builder = BlockHound.builder();
        // Netty's own integration lets through the locks inside Netty (its buffer pools, its
        // executors' queues); nothing of ours is let through.
        ServiceLoader.load(BlockHoundIntegration.class).forEach(builder::with);
        builder.nonBlockingThreadPredicate(p -> p.or(t -> t.getName().startsWith(EventLoops.THREAD_PREFIX)))
                .blockingMethodCallback(method -> BLOCKING_CALLS.add(method + " on " + Thread.currentThread().getName()
                        + Arrays.stream(new Throwable().getStackTrace()).limit(25)
                                .map(frame -> "\n\tat " + frame).collect(Collectors.joining())))
                .install();
    }

    @Test
    void shouldNeverBlockAnEventLoopUnderLoad() throws Exception {
        underTest.start(TestConfigs.oneWorker().maxWorkers(2).queueCapacity(64).journalDir(journal).journalFlush("sync"),
                new HttpLimits(2, 40, 4096, Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofSeconds(30)));
        // Loading a class reads the jar (blocking I/O) the first time a path runs: not what is checked here.
        everyPathOnce();
        BLOCKING_CALLS.clear();

        ExecutorService clients = Executors.newFixedThreadPool(6, r -> new Thread(r, "offload-test-client"));
        AtomicInteger answered = new AtomicInteger();
        try {
            long end = System.nanoTime() + LOAD.toNanos();
            List<Future<?>> load = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                load.add(clients.submit(() -> {
                    try (RawHttp connection = new RawHttp(underTest.server().url())) {
                        while (System.nanoTime() < end) {
                            mixedRequests(connection);
                            answered.addAndGet(10);
                        }
                    }
                    return null;
                }));
            }
            load.add(clients.submit(() -> {
                while (System.nanoTime() < end) {
                    everyPathOnce();
                }
                return null;
            }));
            for (Future<?> f : load) {
                f.get();
            }

            // A close that cancels a job still running: the cancelled job is answered on its loop.
            CompletableFuture<Http.Reply> running = underTest.http().postAsync("/jobs/sleep", "{\"ms\": 60000}");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> underTest.http().get("/health").json().get("busy").equals(1));
            underTest.server().close(Duration.ofMillis(100));
            assertThat(running.get().status()).isEqualTo(503);
        } finally {
            clients.shutdownNow();
        }

        System.out.printf("%,d answers in %d s with BlockHound on the event loops%n", answered.get(), LOAD.toSeconds());
        assertThat(answered.get()).isGreaterThan(100);
        assertThat(BLOCKING_CALLS).as("blocking calls on an event loop").isEmpty();
    }

    /**
     * Once a minute each worker's queue moves to its next file, and a read that moves with it can
     * wait (Chronicle pauses until the writer has written the new file's header): BlockHound caught
     * it on a loop once. Jobs run from two seconds before a minute ends to two seconds after, on
     * keep-alive connections, and the loop must leave those reads to the pool's reader thread.
     * Waits for the next minute's end first (up to a minute).
     */
    @Test
    void shouldNeverBlockAnEventLoopWhileAWorkersQueueMovesToItsNextFile() throws Exception {
        underTest.start(TestConfigs.oneWorker().transport("shm").shmStartOverPipe("never"));
        for (int i = 0; i < 20; i++) { // the paths' classes load (a blocking read of the jar) before BlockHound counts
            assertThat(underTest.http().post("/jobs/fib", "{\"n\": 15}").status()).isEqualTo(200);
        }
        long minute = 60_000;
        long edge = (System.currentTimeMillis() / minute + 1) * minute;
        if (edge - System.currentTimeMillis() < 3_000) {
            edge += minute; // too close to start the load before it
        }
        // Not a synchronisation: the wall clock has to reach a minute's end, and nothing else can.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(edge - 2_000 - System.currentTimeMillis()));
        long readsLeftBefore = PoolProbe.readsLeftToReaderThread(underTest.server().pool().localPool());
        BLOCKING_CALLS.clear();

        ExecutorService clients = Executors.newFixedThreadPool(3, r -> new Thread(r, "offload-test-client"));
        AtomicInteger answered = new AtomicInteger();
        try {
            long until = edge + 2_000;
            List<Future<?>> load = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                load.add(clients.submit(() -> {
                    try (RawHttp connection = new RawHttp(underTest.server().url())) {
                        while (System.currentTimeMillis() < until) {
                            assertThat(connection.send(RawHttp.post("/jobs/fib", "{\"n\": 15}")).read().json())
                                    .containsEntry("value", 610);
                            answered.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : load) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }

        long readsLeft = PoolProbe.readsLeftToReaderThread(underTest.server().pool().localPool())
                - readsLeftBefore;
        System.out.printf("%,d answers across a minute's end; the loop left %d reads to the reader thread; %d blocking calls%n",
                answered.get(), readsLeft, BLOCKING_CALLS.size());
        assertThat(answered.get()).isGreaterThan(100);
        assertThat(BLOCKING_CALLS).as("blocking calls on an event loop").isEmpty();
        assertThat(readsLeft).as("reads the loop left to the reader thread while the queue moved files").isPositive();
    }

    /** Ten answers on one keep-alive connection, six of them pipelined. */
    private static void mixedRequests(RawHttp connection) throws IOException {
        String location = connection.send(RawHttp.postAsync("/jobs/fib", "{\"n\": 12}")).read().header("Location");
        connection.send(RawHttp.get(location) + RawHttp.delete(location) + RawHttp.get("/dead-letters"));
        assertThat(connection.read().status()).isIn(200, 202);
        assertThat(connection.read().status()).isIn(200, 409);
        assertThat(connection.read().status()).isEqualTo(200);
        assertThat(connection.send(RawHttp.post("/jobs/fib", "{\"n\": 15}")).read().json()).containsEntry("value", 610);
        assertThat(connection.send(RawHttp.get("/health")).read().status()).isEqualTo(200);
        assertThat(connection.send(RawHttp.get("/metrics")).read().body()).contains("offload_jobs_total");
        assertThat(connection.send(RawHttp.post("/jobs/fib", "{\"n\": 1, \"m\": 2}")).read().status()).isEqualTo(400);
        connection.send(RawHttp.post("/jobs/fib", "{\"n\": 10}") + RawHttp.get("/stats") + RawHttp.post("/jobs/echo", "x"));
        assertThat(connection.read().json()).containsEntry("value", 55);
        assertThat(connection.read().status()).isEqualTo(200);
        assertThat(connection.read().body()).isEqualTo("x");
    }

    /** Each kind of answer once, on fresh connections: errors, a failing job, timeouts, limits. */
    private void everyPathOnce() throws Exception {
        Http http = underTest.http();
        assertThat(http.post("/jobs/fib", "{\"n\": 12}").status()).isEqualTo(200);
        assertThat(http.post("/jobs/fib", "null").status()).isEqualTo(400);
        assertThat(http.post("/jobs/nope", "{}").status()).isEqualTo(404);
        assertThat(http.get("/jobs/fib").status()).isEqualTo(405);
        assertThat(http.post("/jobs/boom", "{\"message\": \"x\"}").status()).isEqualTo(500);
        assertThat(http.post("/jobs/sha256", "{\"text\": \"" + "x".repeat(200_000) + "\"}").status()).isEqualTo(200);
        assertThat(http.get("/stats").status()).isEqualTo(200);
        assertThat(http.get("/metrics").status()).isEqualTo(200);
        HttpRequest async = http.request("/jobs/sleep").header("Prefer", "respond-async").header("Idempotency-Key",
                "k-" + System.nanoTime()).POST(HttpRequest.BodyPublishers.ofString("{\"ms\": 1}")).build();
        String location = http.send(async).header("Location");
        assertThat(http.send(async).header("Location")).isEqualTo(location);
        assertThat(http.get(location).status()).isIn(200, 202);
        assertThat(http.get("/jobs/id/nope").status()).isEqualTo(400);
        assertThat(http.send("DELETE", "/jobs/id/AAAAAAAAAAAAAAAAAAAAAA", HttpRequest.BodyPublishers.noBody()).status())
                .isEqualTo(404);
        try (RawHttp slow = new RawHttp(underTest.server().url())) {
            assertThat(slow.send("POST /jobs/fib HTTP/1.1\r\nContent-Length: 50\r\n\r\n{").read().status()).isEqualTo(408);
        }
        try (RawHttp big = new RawHttp(underTest.server().url())) {
            assertThat(big.send("GET /health HTTP/1.1\r\nX: " + "x".repeat(5000) + "\r\n\r\n").read().status()).isEqualTo(431);
        }
        List<RawHttp> crowd = new ArrayList<>();
        try {
            RawHttp.Answer refused = null;
            for (int i = 0; i < 45 && refused == null; i++) {
                RawHttp connection = new RawHttp(underTest.server().url());
                crowd.add(connection);
                RawHttp.Answer answer = connection.send(RawHttp.get("/health")).read();
                refused = answer.status() == 503 ? answer : null;
            }
            assertThat(refused).as("a connection over --max-connections").isNotNull();
        } finally {
            for (RawHttp connection : crowd) {
                connection.close();
            }
        }
    }
}
