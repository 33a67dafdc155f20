package dev.offload.examples;

import dev.offload.config.PoolConfig;
import dev.offload.pool.NoLeftovers;
import dev.offload.pool.WorkerPool;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each example, end to end: a real pool, a real server on a free port, one HTTP request. */
@ExtendWith(NoLeftovers.class)
class ExamplesTest {
    private static final String PRIMES_BELOW_1000 = "{\"below\":1000,\"primes\":168}\n";

    private static WorkerPool smallPool() {
        return WorkerPool.start(PoolConfig.builder()
                .minWorkers(1).maxWorkers(1).workerHeap("64m")
                .workerJvmArgs(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"))
                .build());
    }

    private static HttpResponse<String> get(int port, String pathAndQuery) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Timeout(90)
    void shouldAnswerFromAWorkerOnTheVertxEventLoop() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (WorkerPool pool = smallPool()) {
            VertxExample example = new VertxExample(pool, 0);
            vertx.deployVerticle(example).await();

            HttpResponse<String> primes = get(example.port(), "/primes?below=1000");
            HttpResponse<String> bad = get(example.port(), "/primes?below=many");

            assertThat(primes.statusCode()).isEqualTo(200);
            assertThat(primes.body()).isEqualTo(PRIMES_BELOW_1000);
            assertThat(bad.statusCode()).isEqualTo(400);
        } finally {
            vertx.close().await();
        }
    }

    @Test
    @Timeout(90)
    void shouldAnswerFromAWorkerOnTheNettyEventLoop() throws Exception {
        try (WorkerPool pool = smallPool(); NettyExample example = new NettyExample(pool, 0)) {
            HttpResponse<String> primes = get(example.port(), "/primes?below=1000");
            HttpResponse<String> missing = get(example.port(), "/nothing");

            assertThat(primes.statusCode()).isEqualTo(200);
            assertThat(primes.body()).isEqualTo(PRIMES_BELOW_1000);
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }
}
