package dev.offload.service.async;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** What an Idempotency-Key is checked against: the SHA-256 of the handler's name and the body. Stateless. */
final class Fingerprint {

    private Fingerprint() {
    }

    static byte[] of(String handler, byte[] input) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(handler.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return sha.digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
