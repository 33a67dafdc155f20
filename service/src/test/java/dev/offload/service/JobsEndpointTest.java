package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /jobs/{name} over real HTTP against real worker JVMs: results and every error status. */
@ExtendWith(NoLeftovers.class)
@Timeout(60)
class JobsEndpointTest {
    @RegisterExtension
    final ServerUnderTest underTest = new ServerUnderTest();

    @Test
    void shouldAnswerTheResultOfFibonacci() throws IOException {
        underTest.start(TestConfigs.oneWorker());

        Http.Reply reply = underTest.http().post("/jobs/fib", "{\"n\": 25}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("application/json");
        assertThat(reply.json()).isEqualTo(Map.of("n", 25, "value", 75025));
    }

    @Test
    void shouldRunTheSha256AndSleepDemos() throws Exception {
        underTest.start(TestConfigs.oneWorker());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String twice = HexFormat.of().formatHex(sha.digest(sha.digest("abc".getBytes(StandardCharsets.UTF_8))));

        assertThat(underTest.http().post("/jobs/sha256", "{\"text\": \"abc\"}").json())
                .containsEntry("hex", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(underTest.http().post("/jobs/sha256", "{\"text\": \"abc\", \"rounds\": 2}").json()).containsEntry("hex", twice);
        assertThat((Integer) underTest.http().post("/jobs/sleep", "{\"ms\": 20}").json().get("slept")).isBetween(20, 10_000);
    }

    @Test
    void shouldPassBytesThroughForAByteArrayHandler() throws IOException {
        underTest.start(TestConfigs.oneWorker());

        Http.Reply reply = underTest.http().post("/jobs/echo", "not JSON at all");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(reply.body()).isEqualTo("not JSON at all");
    }

    @Test
    void shouldAnswer404ForANameThatIsNotConfigured() throws IOException {
        underTest.start(TestConfigs.oneWorker());

        Http.Reply unknown = underTest.http().post("/jobs/nope", "{}");
        Http.Reply className = underTest.http().post("/jobs/dev.offload.service.demo.Fibonacci", "{\"n\": 1}");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json()).containsEntry("type", "UnknownHandler");
        assertThat((String) unknown.json().get("error")).contains("'nope'").contains("fib, sleep, sha256");
        assertThat(className.status()).isEqualTo(404);
        assertThat(underTest.http().post("/jobs/fib/more", "{\"n\": 1}").status()).isEqualTo(404);
        assertThat(underTest.http().get("/nope").json()).containsEntry("type", "NotFound");
        assertThat(underTest.http().get("/healthz").status()).isEqualTo(404);
        assertThat(underTest.http().get("/stats/x").status()).isEqualTo(404);
    }

    @Test
    void shouldAnswer400ForABodyThatIsNotJson() throws IOException {
        underTest.start(TestConfigs.oneWorker());

        for (String body : new String[] {"{not json", "", "null", "{\"n\": 1"}) {
            Http.Reply reply = underTest.http().post("/jobs/fib", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.json()).as(body).containsEntry("type", "BadRequest");
            assertThat((String) reply.json().get("error")).as(body).contains("'fib'").contains("Fibonacci.Input");
        }
    }

    @Test
    void shouldAnswer400NamingTheProblemForAWronglyShapedBody() throws IOException {
        underTest.start(TestConfigs.oneWorker());

        assertThat(underTest.http().post("/jobs/fib", "{\"n\": 1, \"m\": 2}").json().get("error").toString())
                .contains("at m: Unrecognized field \"m\"");
        assertThat(underTest.http().post("/jobs/fib", "{}").json().get("error").toString())
                .contains("at n: missing or null, but `int` is required");
        assertThat(underTest.http().post("/jobs/fib", "{\"n\": \"x\"}").status()).isEqualTo(400);
        assertThat(underTest.http().post("/jobs/fib", "[1, 2]").status()).isEqualTo(400);
        assertThat(underTest.http().post("/jobs/fib", "{\"n\": 93}").json().get("error").toString())
                .contains("n must be between 0 and 92 (got 93)");
        assertThat(underTest.http().post("/jobs/sha256", "{\"text\": \"a\", \"rounds\": 0}").json().get("error").toString())
                .contains("rounds must be between 1 and 10000000 (got 0)");
        assertThat(underTest.http().get("/stats").json()).containsEntry("completed", 0);
    }

    @Test
    void shouldAnswer405ForAWrongMethod() throws IOException {
        underTest.start(TestConfigs.oneWorker());

        Http.Reply getJob = underTest.http().get("/jobs/fib");
        Http.Reply postHealth = underTest.http().post("/health", "{}");
        Http.Reply deleteStats = underTest.http().send("DELETE", "/stats", HttpRequest.BodyPublishers.noBody());

        assertThat(getJob.status()).isEqualTo(405);
        assertThat(getJob.header("Allow")).isEqualTo("POST");
        assertThat(getJob.json()).containsEntry("type", "MethodNotAllowed");
        assertThat(postHealth.status()).isEqualTo(405);
        assertThat(postHealth.header("Allow")).isEqualTo("GET");
        assertThat(deleteStats.status()).isEqualTo(405);
    }

    @Test
    void shouldAnswer413WhenTheContentLengthIsOverMaxFrameBytes() throws IOException {
        underTest.start(TestConfigs.oneWorker().maxFrameBytes(1024));

        Http.Reply reply = underTest.http().post("/jobs/sha256", "{\"text\": \"" + "x".repeat(2048) + "\"}");

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json()).containsEntry("type", "PayloadTooLarge");
        assertThat(reply.json().get("error").toString()).contains("transport.maxFrameBytes (1024 bytes)");
        assertThat(underTest.http().post("/jobs/sha256", "{\"text\": \"" + "x".repeat(900) + "\"}").status()).isEqualTo(200);
    }

    @Test
    void shouldAnswer413WhenAChunkedBodyGrowsOverMaxFrameBytes() throws IOException {
        underTest.start(TestConfigs.oneWorker().maxFrameBytes(1024));
        byte[] body = ("{\"text\": \"" + "x".repeat(4096) + "\"}").getBytes(StandardCharsets.UTF_8);

        // A body publisher of unknown length is sent chunked, without a Content-Length.
        Http.Reply reply = underTest.http().send("POST", "/jobs/sha256",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json()).containsEntry("type", "PayloadTooLarge");
    }

    @Test
    void shouldAnswer504WhenTheJobTimesOut() throws IOException {
        underTest.start(TestConfigs.oneWorker().jobTimeout(Duration.ofMillis(300)));

        Http.Reply reply = underTest.http().post("/jobs/sleep", "{\"ms\": 20000}");

        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.json()).containsEntry("type", "JobTimeoutException").containsEntry("timeoutMs", 300);
    }

    @Test
    void shouldAnswer500WithTheRemoteTypeWhenTheHandlerThrows() throws IOException {
        underTest.start(TestConfigs.oneWorker());

        Http.Reply reply = underTest.http().post("/jobs/boom", "{\"message\": \"no luck\"}");

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.json())
                .containsEntry("type", "JobFailedException")
                .containsEntry("remoteType", "java.lang.IllegalStateException")
                .containsEntry("remoteMessage", "no luck");
        assertThat(reply.body()).doesNotContain("at dev.offload"); // no stack trace to the client
    }

    @Test
    void shouldAnswer500WithTheExitCodeWhenTheWorkerDies() throws IOException {
        underTest.start(TestConfigs.oneWorker().maxAttempts(1));

        Http.Reply reply = underTest.http().post("/jobs/halt", "7");

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.json()).containsEntry("type", "WorkerCrashedException").containsEntry("exitCode", 7);
        assertThat(underTest.http().post("/jobs/fib", "{\"n\": 10}").json()).containsEntry("value", 55); // replaced
    }

    @Test
    void shouldAnswer503WhenThePoolIsShutDown() throws Exception {
        underTest.start(TestConfigs.oneWorker());
        underTest.server().pool().shutdown().get();

        Http.Reply reply = underTest.http().post("/jobs/fib", "{\"n\": 10}");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.header("Retry-After")).isEqualTo("1");
        assertThat(reply.json()).containsEntry("type", "PoolRejectedException");
    }
}
