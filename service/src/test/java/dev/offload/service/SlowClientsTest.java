package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Clients that send slowly or not at all cannot stall anyone else, and are timed out with 408. */
@ExtendWith(NoLeftovers.class)
@Timeout(60)
class SlowClientsTest {
    private static final String HALF_SENT = "POST /jobs/fib HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n{\"n\": ";
    private static final Duration SHORT = Duration.ofMillis(400);

    @RegisterExtension
    final ServerUnderTest underTest = new ServerUnderTest();

    @Test
    void shouldAnswerHealthAndJobsWhileFiftyClientsHoldHalfSentBodies() throws Exception {
        underTest.start(TestConfigs.oneWorker());
        for (int i = 0; i < 20; i++) {
            underTest.http().get("/health"); // warm the path up: what is measured below is waiting, not class loading
            underTest.http().post("/jobs/fib", "{\"n\": 5}");
        }
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                slow.add(new RawHttp(underTest.server().url()).send(HALF_SENT));
            }
            // The last one's half body reached the loop: every slow connection is being read.
            RawHttp last = slow.get(slow.size() - 1);
            last.send("1");

            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Http.Reply health = underTest.http().get("/health");
                assertThat(health.status()).isEqualTo(200);
                millis.add(health.millis());
            }
            List<CompletableFuture<Http.Reply>> jobs = new ArrayList<>();
            for (int n = 0; n < 50; n++) {
                jobs.add(underTest.http().postAsync("/jobs/fib", "{\"n\": 25}"));
            }
            for (CompletableFuture<Http.Reply> job : jobs) {
                assertThat(job.get().json()).containsEntry("value", 75025);
            }
            Collections.sort(millis);
            System.out.printf("GET /health with 50 half-sent bodies held: median %.2f ms, max %.2f ms%n",
                    millis.get(millis.size() / 2), millis.get(millis.size() - 1));
            assertThat(millis.get(millis.size() / 2)).as("median /health latency in ms").isLessThanOrEqualTo(50.0);
            assertThat(millis.get(millis.size() - 1)).as("slowest /health in ms").isLessThan(1_000.0);

            // ...and a slow body that does arrive in the end is a job like any other.
            last.send("2}" + " ".repeat(100 - "{\"n\": 12}".length()));
            assertThat(last.read().json()).containsEntry("value", 144);
        } finally {
            for (RawHttp connection : slow) {
                connection.close();
            }
        }
    }

    @Test
    void shouldAnswer408AndCloseWhenABodyStopsHalfWay() throws IOException {
        underTest.start(TestConfigs.oneWorker(), HttpLimits.defaults().withTimeouts(Duration.ofSeconds(30), SHORT, Duration.ofSeconds(30)));
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            RawHttp.Answer answer = connection.send(HALF_SENT).read();

            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(answer.json()).containsEntry("type", "RequestTimeout");
            assertThat(answer.json().get("error").toString()).contains("body did not arrive within 400ms (--body-timeout)");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldCloseWithoutASecondAnswerWhenTheBodyOfAnAnsweredRequestStops() throws IOException {
        underTest.start(TestConfigs.oneWorker(), HttpLimits.defaults().withTimeouts(Duration.ofSeconds(30), SHORT, Duration.ofSeconds(30)));
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            connection.send("GET /health HTTP/1.1\r\nHost: test\r\nContent-Length: 50\r\n\r\n{");

            assertThat(connection.read().json()).containsEntry("status", "ok"); // a GET's body changes nothing
            assertThat(connection.closedByServer()).as("closed after --body-timeout, with no 408 after the answer").isTrue();
        }
    }

    @Test
    void shouldAnswer408AndCloseWhenHeadersNeverEnd() throws IOException {
        underTest.start(TestConfigs.oneWorker(), HttpLimits.defaults().withTimeouts(SHORT, Duration.ofSeconds(30), Duration.ofSeconds(30)));
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            RawHttp.Answer answer = connection.send("POST /jobs/fib HTTP/1.1\r\nHost: test\r\n").read();

            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.json().get("error").toString()).contains("headers did not arrive within 400ms (--header-timeout)");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldTimeTheHeadersOfAPipelinedRequestAfterAnsweringTheOnesBefore() throws IOException {
        underTest.start(TestConfigs.oneWorker(), HttpLimits.defaults().withTimeouts(SHORT, Duration.ofSeconds(30), Duration.ofSeconds(30)));
        try (RawHttp connection = new RawHttp(underTest.server().url())) {
            connection.send(RawHttp.post("/jobs/sleep", "{\"ms\": 600}"));
            connection.send("GET /health HTTP/1.1\r\n");

            assertThat(connection.read().json()).containsKey("slept"); // answered although the next request stalled
            assertThat(connection.read().status()).isEqualTo(408);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void shouldCloseAnIdleConnectionSilentlyButNotOneWaitingForItsAnswer() throws IOException {
        underTest.start(TestConfigs.oneWorker(), HttpLimits.defaults().withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), SHORT));
        try (RawHttp idle = new RawHttp(underTest.server().url());
             RawHttp waiting = new RawHttp(underTest.server().url())) {
            waiting.send(RawHttp.post("/jobs/sleep", "{\"ms\": 1500}"));

            assertThat(idle.closedByServer()).as("an idle connection is closed with no answer").isTrue();
            assertThat(waiting.read().json()).containsKey("slept");
        }
    }
}
