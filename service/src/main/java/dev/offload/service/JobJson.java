package dev.offload.service;

import dev.offload.service.async.JobView;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An asynchronous job as JSON: {@code {"id", "state", "handler", "attempt", "acceptedAt",
 * "finishedAt", "result" | "error"}}, times in ISO-8601 UTC. A JSON result is written as the worker
 * encoded it, never parsed again; the bytes of a {@code byte[]} handler are a base64 string, with
 * {@code "resultEncoding": "base64"}. Stateless; any thread.
 */
final class JobJson {
    private static final byte[] RESULT = ",\"result\":".getBytes(StandardCharsets.US_ASCII);

    private JobJson() {
    }

    /** Everything but a JSON result. */
    static Map<String, Object> fields(JobView job) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", job.id());
        fields.put("state", job.state().label());
        fields.put("handler", job.handler());
        fields.put("attempt", job.attempt());
        fields.put("acceptedAt", Instant.ofEpochMilli(job.acceptedAt()).toString());
        if (job.state().finished()) {
            fields.put("finishedAt", Instant.ofEpochMilli(job.finishedAt()).toString());
        }
        if (job.error() != null) {
            fields.put("error", Json.tree(job.error()));
        }
        return fields;
    }

    /** @param jsonResult the handler answers JSON (else bytes, written in base64) */
    static byte[] bytes(JobView job, boolean jsonResult) {
        Map<String, Object> fields = fields(job);
        if (job.result() == null) {
            return Json.bytes(fields);
        }
        if (!jsonResult) {
            fields.put("result", Base64.getEncoder().encodeToString(job.result()));
            fields.put("resultEncoding", "base64");
            return Json.bytes(fields);
        }
        byte[] head = Json.bytes(fields); // ends with '}': the result goes in before it
        var out = new ByteArrayOutputStream(head.length + RESULT.length + job.result().length);
        out.write(head, 0, head.length - 1);
        out.writeBytes(RESULT);
        out.writeBytes(job.result());
        out.write('}');
        return out.toByteArray();
    }
}
