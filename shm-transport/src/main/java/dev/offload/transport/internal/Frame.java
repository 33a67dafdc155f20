package dev.offload.transport.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message on a {@link Channel}: a small header and a payload.
 *
 * <p>The payload array is not copied: a sender must not change it after {@link Channel#send}, a
 * receiver owns the array it was given.
 *
 * @param type    what the frame means
 * @param jobId   the job it concerns; 0 for frames about the worker itself (HELLO, BYE)
 * @param attempt 1-based attempt number of the job, 0 when not about a job
 * @param handler handler class name on JOB frames, otherwise empty
 * @param flags   type-specific bits, 0 unless a type defines them
 * @param payload the body, never null (use {@link #NO_PAYLOAD})
 */
public record Frame(FrameType type, long jobId, int attempt, String handler, int flags, byte[] payload) {

    public static final byte[] NO_PAYLOAD = new byte[0];

    public Frame {
        Objects.requireNonNull(type, "type");
        handler = handler == null ? "" : handler;
        payload = payload == null ? NO_PAYLOAD : payload;
    }

    public static Frame of(FrameType type, long jobId, int attempt, byte[] payload) {
        return new Frame(type, jobId, attempt, "", 0, payload);
    }

    public static Frame control(FrameType type) {
        return new Frame(type, 0, 0, "", 0, NO_PAYLOAD);
    }

    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f
                && type == f.type && jobId == f.jobId && attempt == f.attempt && flags == f.flags
                && handler.equals(f.handler) && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, jobId, attempt, handler, flags) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Frame[" + type + " job=" + jobId + " attempt=" + attempt
                + (handler.isEmpty() ? "" : " handler=" + handler)
                + (flags == 0 ? "" : " flags=0x" + Integer.toHexString(flags))
                + " payload=" + payload.length + "B]";
    }
}
