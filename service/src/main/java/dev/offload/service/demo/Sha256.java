package dev.offload.service.demo;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 applied {@code rounds} times: the text's UTF-8 bytes are hashed, then the 32-byte digest
 * is hashed again, and so on. {@code {"text": "abc", "rounds": 100000}} gives {@code {"hex": "…"}}.
 */
public final class Sha256 implements JobHandler<Sha256.Input, Sha256.Result> {
    static final int MAX_ROUNDS = 10_000_000;

    /** {@code rounds} may be left out and then is 1. */
    public record Input(String text, Integer rounds) {
        public Input {
            if (text == null) {
                throw new IllegalArgumentException("text is required");
            }
            if (rounds == null) {
                rounds = 1;
            } else if (rounds < 1 || rounds > MAX_ROUNDS) {
                throw new IllegalArgumentException("rounds must be between 1 and " + MAX_ROUNDS + " (got " + rounds + ")");
            }
        }
    }

    public record Result(String hex) {
    }

    private final MessageDigest digest;

    public Sha256() throws NoSuchAlgorithmException {
        // One instance per worker, one job at a time (JobHandler's contract), so one digest is enough.
        digest = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public Result handle(Input input, JobContext context) {
        byte[] hash = input.text().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < input.rounds(); i++) {
            hash = digest.digest(hash);
        }
        return new Result(HexFormat.of().formatHex(hash));
    }
}
