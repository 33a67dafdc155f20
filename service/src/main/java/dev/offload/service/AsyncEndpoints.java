package dev.offload.service;

import dev.offload.service.async.Accepted;
import dev.offload.service.async.AsyncJobs;
import dev.offload.service.async.Cancelled;
import dev.offload.service.async.JobView;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The routes of asynchronous jobs, over {@link AsyncJobs}: {@code POST /jobs/{name}} with
 * {@code Prefer: respond-async} (202, {@code Location: /jobs/id/{id}}), {@code GET} and {@code DELETE}
 * on that location, and {@code GET /dead-letters}. Called on the event loops; what the jobs thread
 * decides comes back on the loop that asked. Reading a job never leaves the loop: it is one lookup
 * in a concurrent map.
 */
final class AsyncEndpoints {
    static final String PREFER = "Prefer";
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int MAX_KEY_LENGTH = 255;
    private static final Map<String, String> POLL_AGAIN = Map.of("Retry-After", "1");

    /** Receives an answer on the event loop that asked. */
    interface Reply {
        void answer(int status, byte[] json, Map<String, String> headers);
    }

    private final AsyncJobs jobs;
    private final Gate gate;
    private final HandlerCatalog catalog;
    private final Duration resultTtl;

    /** @param gate counts the answers owed to connections, as for jobs answered when done */
    AsyncEndpoints(AsyncJobs jobs, Gate gate, HandlerCatalog catalog, Duration resultTtl) {
        this.jobs = jobs;
        this.gate = gate;
        this.catalog = catalog;
        this.resultTtl = resultTtl;
    }

    /** {@code Prefer: respond-async} (RFC 7240): one preference of a comma-separated list, its name case-insensitive. */
    static boolean prefersAsync(HttpHeaders headers) {
        for (String value : headers.getAll(PREFER)) {
            for (String preference : value.split(",")) {
                String name = preference.split("[;=]", 2)[0].strip();
                if (name.equalsIgnoreCase("respond-async")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Accepts an asynchronous job: 202 with its Location once it is journaled; the same for a
     * repeated Idempotency-Key; 400 for a key that is not 1 to 255 visible ASCII characters or that
     * comes without {@code Prefer: respond-async}; 422 for a key sent before with another request;
     * 503 when full or stopping.
     *
     * @param keyHeader the Idempotency-Key header as sent, or null
     */
    void accept(HandlerCatalog.Entry handler, byte[] body, boolean async, String keyHeader, Executor loop, Reply reply) {
        // The structured-field form of the header quotes the key.
        String key = keyHeader != null && keyHeader.length() >= 2 && keyHeader.startsWith("\"") && keyHeader.endsWith("\"")
                ? keyHeader.substring(1, keyHeader.length() - 1) : keyHeader;
        if (key != null && (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            error(reply, HttpError.badRequest("the Idempotency-Key must be 1 to " + MAX_KEY_LENGTH
                    + " visible ASCII characters (got " + key.length() + " characters)"));
        } else if (!async) {
            error(reply, HttpError.badRequest("an Idempotency-Key applies to asynchronous jobs only: send it with"
                    + " Prefer: respond-async"));
        } else if (!gate.enter()) {
            error(reply, HttpError.stopping());
        } else {
            jobs.accept(handler.name(), body, key, loop, outcome -> {
                try {
                    answerAccepted(outcome, reply);
                } finally {
                    gate.leave();
                }
            });
        }
    }

    private static void answerAccepted(Accepted outcome, Reply reply) {
        if (outcome.refusal() != null) {
            error(reply, refusal(outcome));
            return;
        }
        JobView job = outcome.job();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", Routes.JOB_IDS + job.id());
        headers.put("Preference-Applied", "respond-async");
        if (outcome.repeated()) {
            headers.put("Idempotent-Replayed", "true");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", job.id());
        answer.put("state", job.state().label());
        answer.put("location", Routes.JOB_IDS + job.id());
        reply.answer(202, Json.bytes(answer), headers);
    }

    /** 202 while the job is pending (poll again), 200 once it finished, 404 if unknown. On the loop, at once. */
    void status(String id, Reply reply) {
        JobView job = jobs.view(id);
        if (job == null) {
            error(reply, unknown(id));
        } else if (job.state().finished()) {
            reply.answer(200, JobJson.bytes(job, jsonResult(job)), Map.of());
        } else {
            reply.answer(202, JobJson.bytes(job, true), POLL_AGAIN);
        }
    }

    /** 200 with the cancelled job, 409 if it had finished already, 404 if unknown. */
    void cancel(String id, Executor loop, Reply reply) {
        jobs.cancel(id, loop, (Cancelled outcome) -> {
            JobView job = outcome.job();
            if (job == null) {
                error(reply, unknown(id));
            } else if (!outcome.cancelled()) {
                error(reply, HttpError.of(409, "JobFinished", "job " + id + " is " + job.state().label()
                        + " already; there is nothing to cancel").with("state", job.state().label()));
            } else {
                reply.answer(200, JobJson.bytes(job, true), Map.of());
            }
        });
    }

    /** The failed jobs still kept, the latest first: {@code {"count": n, "jobs": [...]}}. */
    void deadLetters(Executor loop, Reply reply) {
        jobs.failed(loop, (List<JobView> failed) -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("count", failed.size());
            answer.put("jobs", failed.stream().map(JobJson::fields).toList());
            reply.answer(200, Json.bytes(answer), Map.of());
        });
    }

    private boolean jsonResult(JobView job) {
        HandlerCatalog.Entry handler = catalog.get(job.handler());
        return handler != null && handler.output().getRawClass() != byte[].class;
    }

    private HttpError unknown(String id) {
        return HttpError.of(404, "UnknownJob", "no job " + id + ": it was never accepted here, or it finished more than "
                + DurationOption.format(resultTtl) + " ago (journal.resultTtl)");
    }

    private static HttpError refusal(Accepted outcome) {
        return switch (outcome.refusal()) {
            case FULL -> HttpError.of(503, "PoolRejectedException", outcome.message()).with("reason", "QUEUE_FULL");
            case STOPPING -> HttpError.stopping();
            case JOURNAL -> HttpError.of(503, "JournalUnavailable", outcome.message());
            case KEY_REUSED -> HttpError.of(422, "IdempotencyKeyReused", outcome.message());
        };
    }

    private static void error(Reply reply, HttpError error) {
        reply.answer(error.status(), Json.bytes(error.body()), error.headers());
    }
}
