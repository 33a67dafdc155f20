package dev.offload.service.async;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Job ids: 128 random bits, 22 characters of base64url ({@code A-Z a-z 0-9 - _}), so that one client
 * cannot guess another's jobs. Made on the {@code offload-async-jobs} thread ({@link SecureRandom}
 * may read the kernel's entropy); {@link #isWellFormed} on any thread.
 */
final class JobIds {
    static final int LENGTH = 22;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();

    String next() {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return ENCODER.encodeToString(bits);
    }

    static boolean isWellFormed(String id) {
        if (id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
