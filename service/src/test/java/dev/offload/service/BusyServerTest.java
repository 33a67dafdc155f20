package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A server whose only worker is busy and whose queue is full: health, stats and back-pressure. */
@ExtendWith(NoLeftovers.class)
@Timeout(60)
class BusyServerTest {
    private static final String LONG_SLEEP = "{\"ms\": 60000}";

    @RegisterExtension
    final ServerUnderTest underTest = new ServerUnderTest();

    @Test
    void shouldAnswerHealthAtOnceAndRejectWithRetryAfterWhileWorkersAreBusyAndTheQueueIsFull() throws Exception {
        underTest.start(TestConfigs.oneWorker().queueCapacity(1));
        for (int i = 0; i < 20; i++) {
            underTest.http().get("/health"); // warm the path up: what is measured below is waiting, not class loading
        }

        CompletableFuture<Http.Reply> running = underTest.http().postAsync("/jobs/sleep", LONG_SLEEP);
        await().atMost(Duration.ofSeconds(20)).until(() -> underTest.http().get("/health").json().get("busy").equals(1));
        CompletableFuture<Http.Reply> queued = underTest.http().postAsync("/jobs/sleep", LONG_SLEEP);
        await().atMost(Duration.ofSeconds(20)).until(() -> underTest.http().get("/health").json().get("queued").equals(1));

        Http.Reply rejected = underTest.http().post("/jobs/sleep", "{\"ms\": 1}");
        assertThat(rejected.status()).isEqualTo(503);
        assertThat(rejected.header("Retry-After")).isEqualTo("1");
        assertThat(rejected.json()).containsEntry("type", "PoolRejectedException");
        assertThat(rejected.json().get("error").toString()).contains("queue full");

        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Http.Reply health = underTest.http().get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json()).containsEntry("status", "ok").containsEntry("workers", 1)
                    .containsEntry("busy", 1).containsEntry("queued", 1);
            millis.add(health.millis());
        }
        Collections.sort(millis);
        System.out.printf("GET /health with every worker busy and the queue full: median %.2f ms, max %.2f ms%n",
                millis.get(millis.size() / 2), millis.get(millis.size() - 1));
        assertThat(millis.get(millis.size() / 2)).as("median /health latency in ms").isLessThan(100.0);
        assertThat(running).isNotDone();
        assertThat(queued).isNotDone();
    }

    @Test
    void shouldAnswerStatsAsPoolStatsJson() throws Exception {
        underTest.start(TestConfigs.oneWorker());
        underTest.http().post("/jobs/fib", "{\"n\": 5}");

        Http.Reply reply = underTest.http().get("/stats");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("application/json");
        Map<String, Object> stats = reply.json();
        assertThat(stats).containsKeys("transport", "workers", "busy", "queued", "completed", "failed", "rejected",
                "restarts", "crashes", "timeouts", "cancelled", "crashLoop", "queueWait", "runTime", "endToEnd");
        assertThat(stats.get("transport")).isIn("shm", "pipe");
        assertThat(stats).as("no cluster configured").doesNotContainKey("cluster");
        assertThat(stats).containsEntry("workers", 1).containsEntry("completed", 1).containsEntry("failed", 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> endToEnd = (Map<String, Object>) stats.get("endToEnd");
        assertThat(endToEnd).as("every latency key names its unit")
                .containsOnlyKeys("count", "p50Micros", "p90Micros", "p99Micros", "p999Micros", "maxMicros")
                .containsEntry("count", 1);
        assertThat(((Number) endToEnd.get("maxMicros")).doubleValue()).isPositive();
    }

    @Test
    void shouldFinishJobsInFlightAndRefuseNewOnesWhileClosing() throws Exception {
        underTest.start(TestConfigs.oneWorker());
        CompletableFuture<Http.Reply> inFlight = underTest.http().postAsync("/jobs/sleep", "{\"ms\": 3000}");
        await().atMost(Duration.ofSeconds(20)).until(() -> underTest.http().get("/health").json().get("busy").equals(1));

        OffloadServer closing = underTest.server();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> closing.close(Duration.ofSeconds(30)));
        underTest.server().refusingJobs().get();
        Http.Reply refused = underTest.http().post("/jobs/fib", "{\"n\": 1}");

        assertThat(refused.json()).containsEntry("type", "ServiceStopping");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(inFlight.get().status()).isEqualTo(200);
        assertThat(inFlight.get().json().get("slept")).isNotNull();
        closed.get();
    }

    @Test
    void shouldCancelJobsThatOutlastTheGraceWhenClosing() throws Exception {
        underTest.start(TestConfigs.oneWorker());
        CompletableFuture<Http.Reply> inFlight = underTest.http().postAsync("/jobs/sleep", LONG_SLEEP);
        await().atMost(Duration.ofSeconds(20)).until(() -> underTest.http().get("/health").json().get("busy").equals(1));

        underTest.server().close(Duration.ofMillis(100));

        assertThat(inFlight.get().status()).isEqualTo(503);
        assertThat(inFlight.get().json()).containsEntry("type", "ServiceStopping");
    }
}
