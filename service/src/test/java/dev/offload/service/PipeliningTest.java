package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/1.1 keep-alive and pipelining over raw sockets: answers in request order, and who closes when. */
@ExtendWith(NoLeftovers.class)
@Timeout(60)
class PipeliningTest {
    @RegisterExtension
    final ServerUnderTest underTest = new ServerUnderTest();

    @Test
    void shouldAnswerPipelinedRequestsInTheirOrderWhateverFinishesFirst() throws IOException {
        underTest.start(TestConfigs.oneWorker().maxWorkers(2));
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            // One write: a slow job, then requests that are answered at once or sooner.
            connection.send(RawHttp.post("/jobs/sleep", "{\"ms\": 300}") + RawHttp.get("/health")
                    + RawHttp.post("/jobs/fib", "{\"n\": 10}") + RawHttp.get("/nope")
                    + RawHttp.post("/jobs/fib", "{\"n\": \"x\"}") + RawHttp.get("/stats"));

            assertThat(connection.read().json()).containsKey("slept");
            assertThat(connection.read().json()).containsEntry("status", "ok");
            assertThat(connection.read().json()).containsEntry("value", 55);
            assertThat(connection.read().json()).containsEntry("type", "NotFound");
            RawHttp.Answer bad = connection.read();
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("error").toString()).contains("at n: Cannot deserialize value of type `int`");
            assertThat(connection.read().json()).containsKey("completed");

            connection.send(RawHttp.post("/jobs/fib", "{\"n\": 20}"));
            assertThat(connection.read().json()).containsEntry("value", 6765); // still open: keep-alive
        }
    }

    @Test
    void shouldAnswerManyPipelinedJobsInOrder() throws IOException {
        underTest.start(TestConfigs.oneWorker().maxWorkers(2));
        StringBuilder requests = new StringBuilder();
        for (int n = 0; n < 100; n++) {
            requests.append(RawHttp.post("/jobs/fib", "{\"n\": " + (n % 20) + "}"));
        }
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            connection.send(requests.toString());
            for (int n = 0; n < 100; n++) {
                assertThat(connection.read().json()).as("answer %d", n).containsEntry("n", n % 20);
            }
        }
    }

    @Test
    void shouldCloseAfterTheAnswerWhenTheClientAsksToAndIgnoreWhatFollows() throws IOException {
        underTest.start(TestConfigs.oneWorker());
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            connection.send("GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n" + RawHttp.get("/stats"));

            RawHttp.Answer answer = connection.read();

            assertThat(answer.json()).containsEntry("status", "ok");
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldKeepAnHttp10ConnectionOnlyWhenItAsksForKeepAlive() throws IOException {
        underTest.start(TestConfigs.oneWorker());
        try (RawHttp keep = new RawHttp(underTest.server().url());
             RawHttp once = new RawHttp(underTest.server().url())) {
            keep.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            once.send("GET /health HTTP/1.0\r\n\r\n");

            assertThat(keep.read().header("Connection")).isEqualTo("keep-alive");
            assertThat(keep.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(once.read().header("Connection")).isEqualTo("close");
            assertThat(once.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldAnswerHeadWithoutABodyAndExpectContinueWithAnInterimAnswer() throws IOException {
        underTest.start(TestConfigs.oneWorker());
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            RawHttp.Answer head = connection.send("HEAD /health HTTP/1.1\r\nHost: test\r\n\r\n").read(true);
            assertThat(head.status()).isEqualTo(405);
            assertThat(head.header("Allow")).isEqualTo("GET");
            assertThat(Integer.parseInt(head.header("Content-Length"))).isPositive();

            connection.send("POST /jobs/fib HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n");
            assertThat(connection.read().status()).isEqualTo(100);
            assertThat(connection.send("{\"n\": 12}").read().json()).containsEntry("value", 144);
        }
    }
}
