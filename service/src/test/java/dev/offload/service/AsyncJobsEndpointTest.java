package dev.offload.service;

import dev.offload.config.PoolConfigBuilder;
import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Asynchronous jobs over HTTP against real workers: 202 and Location, each state, cancel, keys, TTL, a restart. */
@ExtendWith(NoLeftovers.class)
@Timeout(90)
class AsyncJobsEndpointTest {
    @RegisterExtension
    final ServerUnderTest underTest = new ServerUnderTest();

    @TempDir
    Path journal;

    @Test
    void shouldAnswer202WithALocationThatAnswersTheResultOnceDone() throws IOException {
        underTest.start(journaled().journalFlush("sync"));

        Http.Reply accepted = postAsync("/jobs/sleep", "{\"ms\": 300}");

        assertThat(accepted.status()).isEqualTo(202);
        String location = accepted.header("Location");
        assertThat(location).matches("/jobs/id/[A-Za-z0-9_-]{22}");
        assertThat(accepted.header("Preference-Applied")).isEqualTo("respond-async");
        assertThat(accepted.json()).containsEntry("id", location.substring("/jobs/id/".length()))
                .containsEntry("state", "queued").containsEntry("location", location);
        Http.Reply pending = underTest.http().get(location);
        assertThat(pending.status()).isEqualTo(202);
        assertThat(pending.header("Retry-After")).isEqualTo("1");
        assertThat(pending.json().get("state")).isIn("queued", "running");
        Map<String, Object> done = awaitFinished(location);
        assertThat(done).containsEntry("state", "done").containsEntry("handler", "sleep").containsEntry("attempt", 1)
                .containsKeys("acceptedAt", "finishedAt");
        assertThat(object(done.get("result"))).containsKey("slept");
    }

    @Test
    void shouldAnswerAFailedJobWithItsErrorAndListItAmongTheDeadLetters() throws IOException {
        underTest.start(journaled());
        String location = postAsync("/jobs/boom", "{\"message\": \"no luck\"}").header("Location");
        String badInput = postAsync("/jobs/fib", "{\"n\": 1, \"m\": 2}").header("Location");

        Map<String, Object> failed = awaitFinished(location);

        assertThat(failed).containsEntry("state", "failed");
        assertThat(object(failed.get("error"))).containsEntry("type", "JobFailedException")
                .containsEntry("remoteMessage", "no luck").containsEntry("status", 500);
        assertThat(object(awaitFinished(badInput).get("error"))).containsEntry("status", 400);
        Map<String, Object> deadLetters = underTest.http().get("/dead-letters").json();
        assertThat(deadLetters).containsEntry("count", 2);
        assertThat(deadLetters.get("jobs").toString()).contains(location.substring(9)).contains(badInput.substring(9));
    }

    @Test
    void shouldCancelARunningJobOnceAndThenAnswer409() throws IOException {
        underTest.start(journaled());
        String location = postAsync("/jobs/sleep", "{\"ms\": 60000}").header("Location");
        await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(underTest.http().get(location).json().get("state")));

        Http.Reply cancelled = delete(location);
        Http.Reply again = delete(location);

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json()).containsEntry("state", "cancelled");
        assertThat(underTest.http().get(location).json()).containsEntry("state", "cancelled");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json()).containsEntry("type", "JobFinished").containsEntry("state", "cancelled");
        assertThat(delete("/jobs/id/AAAAAAAAAAAAAAAAAAAAAA").status()).isEqualTo(404);
        assertThat(underTest.http().post("/jobs/fib", "{\"n\": 10}").json()).containsEntry("value", 55); // the pool goes on
    }

    @Test
    void shouldGiveOneIdForAnIdempotencyKeySentTwice() throws IOException {
        underTest.start(journaled());

        Http.Reply first = postAsync("/jobs/sleep", "{\"ms\": 10}", "Idempotency-Key", "order-17");
        Http.Reply second = postAsync("/jobs/sleep", "{\"ms\": 10}", "Idempotency-Key", "\"order-17\"");
        Http.Reply otherBody = postAsync("/jobs/sleep", "{\"ms\": 11}", "Idempotency-Key", "order-17");

        assertThat(second.header("Location")).isEqualTo(first.header("Location"));
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(otherBody.status()).isEqualTo(422);
        assertThat(otherBody.json()).containsEntry("type", "IdempotencyKeyReused");
    }

    @Test
    void shouldAnswerClearErrorsForBadIdsKeysAndMethods() throws IOException {
        underTest.start(journaled());

        Http.Reply badId = underTest.http().get("/jobs/id/nope");
        Http.Reply unknown = underTest.http().get("/jobs/id/AAAAAAAAAAAAAAAAAAAAAA");
        Http.Reply keyAlone = underTest.http().send(underTest.http().request("/jobs/sleep")
                .header("Idempotency-Key", "k").POST(HttpRequest.BodyPublishers.ofString("{\"ms\": 1}")).build());
        Http.Reply longKey = postAsync("/jobs/sleep", "{\"ms\": 1}", "Idempotency-Key", "k".repeat(256));
        Http.Reply post = underTest.http().post("/jobs/id/AAAAAAAAAAAAAAAAAAAAAA", "{}");

        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().get("error").toString()).startsWith("'nope' is not a job id");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json()).containsEntry("type", "UnknownJob");
        assertThat(unknown.json().get("error").toString()).contains("journal.resultTtl");
        assertThat(keyAlone.status()).isEqualTo(400);
        assertThat(keyAlone.json().get("error").toString()).contains("Prefer: respond-async");
        assertThat(longKey.status()).isEqualTo(400);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, DELETE");
    }

    @Test
    void shouldForgetAResultAfterResultTtl() throws IOException {
        underTest.start(journaled().journalResultTtl(Duration.ofMillis(500)));
        String location = postAsync("/jobs/fib", "{\"n\": 5}").header("Location");
        assertThat(awaitFinished(location)).containsEntry("state", "done");

        await().atMost(Duration.ofSeconds(10)).until(() -> underTest.http().get(location).status() == 404);
    }

    @Test
    void shouldKeepAsynchronousJobsInMemoryWithoutAJournal() throws IOException {
        underTest.start(TestConfigs.oneWorker());

        String location = postAsync("/jobs/fib", "{\"n\": 10}").header("Location");

        assertThat(object(awaitFinished(location).get("result"))).containsEntry("value", 55);
    }

    @Test
    void shouldFinishAfterARestartWhatWasAcceptedBefore() throws IOException {
        underTest.start(journaled());
        List<String> locations = List.of(postAsync("/jobs/sleep", "{\"ms\": 3000}").header("Location"),
                postAsync("/jobs/sleep", "{\"ms\": 100}").header("Location"),
                postAsync("/jobs/fib", "{\"n\": 20}").header("Location"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(underTest.http().get(locations.get(0)).json().get("state")));
        underTest.server().close(Duration.ZERO); // the first job is cut short, the others never began

        underTest.start(journaled());

        assertThat(object(awaitFinished(locations.get(0)).get("result"))).containsKey("slept");
        assertThat(awaitFinished(locations.get(1))).containsEntry("state", "done");
        assertThat(object(awaitFinished(locations.get(2)).get("result"))).containsEntry("value", 6765);
    }

    private PoolConfigBuilder journaled() {
        return TestConfigs.oneWorker().journalDir(journal);
    }

    private Http.Reply postAsync(String path, String body, String... headers) {
        HttpRequest.Builder request = underTest.http().request(path).header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return underTest.http().send(request.build());
    }

    private Http.Reply delete(String path) {
        return underTest.http().send("DELETE", path, HttpRequest.BodyPublishers.noBody());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object json) {
        return (Map<String, Object>) json;
    }

    /** Polls {@code location} until it answers 200, and returns that answer. */
    private Map<String, Object> awaitFinished(String location) {
        Http.Reply[] last = new Http.Reply[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = underTest.http().get(location);
            return last[0].status() == 200;
        });
        return last[0].json();
    }
}
