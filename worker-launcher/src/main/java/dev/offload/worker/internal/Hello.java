package dev.offload.worker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The payload of a HELLO frame: the worker is up and has opened its channel.
 *
 * <p>Written as one line of ASCII ({@code <pid> <transport> <token>}), not JSON: the worker sends
 * it before its first job, and Jackson's few hundred classes would be loaded for nothing else
 * before then (on both sides).
 *
 * @param pid       the worker's process id
 * @param transport the channel kind it opened, "shm" or "pipe"
 * @param token     the pool's token, echoed to prove the worker is ours
 */
public record Hello(long pid, String transport, String token) {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final int MAX_BYTES = 512;

    public Hello {
        if (!WORD.matcher(transport).matches() || !WORD.matcher(token).matches()) {
            throw new IllegalArgumentException("transport and token must be 1-128 of [A-Za-z0-9_.-] (got \""
                    + transport + "\", \"" + token + "\")");
        }
    }

    public byte[] encode() {
        return (pid + " " + transport + " " + token).getBytes(StandardCharsets.US_ASCII);
    }

    public static Hello decode(byte[] payload) throws IOException {
        String[] parts = payload.length > MAX_BYTES ? new String[0]
                : new String(payload, StandardCharsets.US_ASCII).split(" ", -1);
        try {
            if (parts.length == 3) {
                return new Hello(Long.parseLong(parts[0]), parts[1], parts[2]);
            }
        } catch (IllegalArgumentException malformed) {
            // reported below, with the payload's size rather than its bytes
        }
        throw new IOException("malformed HELLO payload (" + payload.length + " bytes): expected \"<pid> <transport> <token>\"");
    }
}
