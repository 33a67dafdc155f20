package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a client cannot exceed: the number of connections, the size of a request's headers, the grammar. */
@ExtendWith(NoLeftovers.class)
@Timeout(60)
class ConnectionLimitsTest {
    @RegisterExtension
    final ServerUnderTest underTest = new ServerUnderTest();

    @Test
    void shouldAnswer503ToAConnectionOverTheLimitAndServeAgainOnceOneCloses() throws IOException {
        underTest.start(TestConfigs.oneWorker(), HttpLimits.defaults().withMaxConnections(3));
        List<RawHttp> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(new RawHttp(underTest.server().url()));
                assertThat(open.get(i).send(RawHttp.get("/health")).read().status()).isEqualTo(200);
            }
            try (RawHttp extra = new RawHttp(underTest.server().url())) {
                RawHttp.Answer refused = extra.read();

                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(refused.json()).containsEntry("type", "TooManyConnections");
                assertThat(refused.json().get("error").toString()).contains("3 connections are open already (--max-connections)");
                assertThat(extra.closedByServer()).isTrue();
            }
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (RawHttp again = new RawHttp(underTest.server().url())) {
                    assertThat(again.send(RawHttp.get("/health")).read().status()).isEqualTo(200);
                }
            });
        } finally {
            for (RawHttp connection : open) {
                connection.close();
            }
        }
    }

    @Test
    void shouldAnswer431ForHeadersOverTheLimitAnd414ForALongRequestLine() throws IOException {
        underTest.start(TestConfigs.oneWorker(), new HttpLimits(1, 16, 2048, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(10)));
        try (RawHttp big = new RawHttp(underTest.server().url());
             RawHttp longLine = new RawHttp(underTest.server().url());
             RawHttp fine = new RawHttp(underTest.server().url())) {
            RawHttp.Answer headers = big.send("GET /health HTTP/1.1\r\nHost: test\r\nX-Big: " + "x".repeat(4096) + "\r\n\r\n").read();
            RawHttp.Answer line = longLine.send("GET /" + "x".repeat(4096) + " HTTP/1.1\r\nHost: test\r\n\r\n").read();

            assertThat(headers.status()).isEqualTo(431);
            assertThat(headers.json()).containsEntry("type", "HeadersTooLarge");
            assertThat(headers.json().get("error").toString()).contains("over 2048 bytes (--max-header-bytes)");
            assertThat(big.closedByServer()).isTrue();
            assertThat(line.status()).isEqualTo(414);
            assertThat(longLine.closedByServer()).isTrue();
            assertThat(fine.send(RawHttp.get("/health")).read().status()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswer400AndCloseForARequestThatIsNotHttp() throws IOException {
        underTest.start(TestConfigs.oneWorker());
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            RawHttp.Answer answer = connection.send("POST /jobs/fib HTTP/1.1\r\nContent-Length: nine\r\n\r\n").read();

            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("type", "BadRequest");
            assertThat(answer.json().get("error").toString()).startsWith("malformed request: ");
            assertThat(connection.closedByServer()).isTrue();
        }
    }
}
