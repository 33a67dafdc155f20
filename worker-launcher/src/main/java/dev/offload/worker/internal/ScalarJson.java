package dev.offload.worker.internal;

import java.nio.charset.StandardCharsets;

/**
 * JSON for whole numbers ({@code Integer}, {@code Long}) without Jackson: the few bytes a job's
 * number takes are cheaper to write and parse by hand than to set a Jackson generator or parser up
 * for. Only the canonical form is taken ({@code -?[1-9][0-9]*} or {@code 0}, short enough that it
 * cannot overflow); anything else (whitespace, leading zeros, exponents, strings, null) is left to
 * Jackson, so every input decodes exactly as Jackson alone would decode it.
 *
 * <p>Stateless; any thread.
 */
final class ScalarJson {
    /** Digits that always fit: 9 in an int, 18 in a long. */
    private static final int INT_DIGITS = 9;
    private static final int LONG_DIGITS = 18;

    private ScalarJson() {
    }

    /** The JSON of {@code value} if it is a whole number we write ourselves, else null. */
    static byte[] encode(Object value) {
        if (value instanceof Integer i) {
            return Integer.toString(i).getBytes(StandardCharsets.ISO_8859_1);
        }
        if (value instanceof Long l) {
            return Long.toString(l).getBytes(StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    /**
     * {@code bytes} as a {@code type} ({@code Integer} or {@code Long}, boxed or primitive) when they
     * are a canonical number of that range, else null: let Jackson decide.
     */
    static Object decode(byte[] bytes, Class<?> type) {
        boolean isInt = type == Integer.class || type == int.class;
        if (!isInt && type != Long.class && type != long.class) {
            return null;
        }
        int length = bytes.length;
        int start = length > 0 && bytes[0] == '-' ? 1 : 0;
        int digits = length - start;
        if (digits < 1 || digits > (isInt ? INT_DIGITS : LONG_DIGITS) || (bytes[start] == '0' && (digits > 1 || start > 0))) {
            return null;
        }
        long value = 0;
        for (int i = start; i < length; i++) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            value = value * 10 + d;
        }
        if (start > 0) {
            value = -value;
        }
        return isInt ? (Object) (int) value : (Object) value;
    }
}
