package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OffloadServer#warmUp}: what {@code offload serve --warmup} sends, and what {@code /health} says meanwhile. */
@ExtendWith(NoLeftovers.class)
@Timeout(120)
class WarmUpTest {

    @Test
    void shouldSendTheSamplesToTheirHandlersServeClientsAndSayWarmingUpUntilDone() throws Exception {
        var config = TestConfigs.oneWorker().warmupInput("fib", "{\"n\": 10}").build();
        try (OffloadServer server = OffloadServer.start(config, "127.0.0.1", 0);
             Http http = new Http(server.url())) {
            CompletableFuture<Void> done = server.warmUp(Duration.ofSeconds(3));

            Http.Reply health = http.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json()).containsEntry("status", "warming-up");
            assertThat(http.post("/jobs/fib", "{\"n\": 25}").json()).containsEntry("value", 75025); // served meanwhile

            done.get(60, TimeUnit.SECONDS);
            assertThat(http.get("/health").json()).containsEntry("status", "ok");
            // The warm-up's requests went through the route to the fib handler: no error among them.
            assertThat(server.pool().stats().local().completed()).isGreaterThan(100);
            assertThat(server.pool().stats().local().failed()).isZero();
            server.close(Duration.ZERO);
        }
    }

    @Test
    void shouldRunNoOpJobsAndNoHandlerWhenNoSampleIsConfigured() throws Exception {
        var config = TestConfigs.oneWorker().build(); // halt and boom among the handlers: none may run
        try (OffloadServer server = OffloadServer.start(config, "127.0.0.1", 0);
             Http http = new Http(server.url())) {
            server.warmUp(Duration.ofSeconds(2)).get(60, TimeUnit.SECONDS);

            assertThat(http.get("/health").json()).containsEntry("status", "ok");
            assertThat(server.pool().stats().local().completed()).isGreaterThan(100);
            assertThat(server.pool().stats().local().failed()).isZero();
            assertThat(server.pool().stats().local().crashes()).isZero();
            server.close(Duration.ZERO);
        }
    }

    @Test
    void shouldStopWarmingUpWhenTheServerCloses() throws Exception {
        try (OffloadServer server = OffloadServer.start(TestConfigs.oneWorker().build(), "127.0.0.1", 0)) {
            CompletableFuture<Void> done = server.warmUp(Duration.ofMinutes(5));

            server.close(Duration.ofSeconds(5));

            assertThat(done).isDone();
        }
    }
}
