package dev.offload.worker;

import java.io.IOException;

/**
 * The payload of a HELLO frame: the worker is up and has opened its channel.
 *
 * @param pid       the worker's process id
 * @param transport the channel kind it opened, "shm" or "pipe"
 * @param token     the pool's token, echoed to prove the worker is ours
 */
public record Hello(long pid, String transport, String token) {

    public byte[] encode() {
        try {
            return PayloadCodec.mapper().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode HELLO", e);
        }
    }

    public static Hello decode(byte[] payload) throws IOException {
        return PayloadCodec.mapper().readValue(payload, Hello.class);
    }
}
