package dev.offload.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Durations ({@code 250ms}, {@code 15s}, {@code 20us}) and byte sizes ({@code 64k}, {@code 16m},
 * {@code 1g}) as written in config files and overrides. Parsing names the key in its errors; range
 * checks are left to the builder, so a sign is accepted here and rejected there with the key's range.
 */
final class Units {

    static final String DURATION_UNITS = "ns, us, ms, s, m, h";

    private static final Pattern DURATION = Pattern.compile("([+-]?\\d+)\\s*(ns|us|µs|ms|s|m|h)");
    private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d+");
    private static final Pattern SIZE = Pattern.compile("([+-]?\\d+)\\s*(b|k|kb|m|mb|g|gb)?");

    private static final long K = 1024;
    private static final long M = K * K;
    private static final long G = M * K;

    private Units() {
    }

    /** Parses {@code 250ms}, {@code 15s}, {@code 2m}, {@code 1h}, {@code 20us}, {@code 500ns}, or a bare {@code 0}. */
    static Duration parseDuration(String text, String key) {
        String s = text.strip();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (BARE_NUMBER.matcher(s).matches()) {
            throw new ConfigException(key, text, key + ": " + quote(text) + " needs a unit (" + DURATION_UNITS
                    + "), e.g. " + s + "s or " + s + "ms; only 0 may be written without one");
        }
        var m = DURATION.matcher(s);
        if (!m.matches()) {
            throw new ConfigException(key, text, key + ": expected a duration such as 250ms, 15s or 2m (units: "
                    + DURATION_UNITS + "), got " + quote(text));
        }
        try {
            Duration d = Duration.of(Long.parseLong(m.group(1)), unit(m.group(2)));
            d.toNanos(); // the pool works in nanoseconds: reject what would overflow there
            return d;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new ConfigException(key, text, key + ": duration " + quote(text) + " is too large (max ~292 years)");
        }
    }

    /** Parses {@code 512} (bytes), {@code 64k}, {@code 16m}, {@code 1g}, case-insensitive, also {@code kb/mb/gb}. */
    static long parseSize(String text, String key) {
        var m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(key, text, key + ": expected a size such as 512 (bytes), 64k, 16m or 1g, got "
                    + quote(text));
        }
        String suffix = m.group(2) == null ? "b" : m.group(2);
        long multiplier = switch (suffix.charAt(0)) {
            case 'k' -> K;
            case 'm' -> M;
            case 'g' -> G;
            default -> 1;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new ConfigException(key, text, key + ": size " + quote(text) + " is too large");
        }
    }

    /** Formats as written in a file: whole seconds as {@code 60s}, else ms, us or ns; never minutes or hours. */
    static String formatDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }

    /** Formats with the largest exact unit: {@code 16m}, {@code 64k}, {@code 1g}, or plain bytes. */
    static String formatSize(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        if (bytes % G == 0) {
            return bytes / G + "g";
        }
        if (bytes % M == 0) {
            return bytes / M + "m";
        }
        if (bytes % K == 0) {
            return bytes / K + "k";
        }
        return Long.toString(bytes);
    }

    static String quote(String text) {
        return '"' + text + '"';
    }

    private static ChronoUnit unit(String suffix) {
        return switch (suffix) {
            case "ns" -> ChronoUnit.NANOS;
            case "us", "µs" -> ChronoUnit.MICROS;
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            default -> ChronoUnit.HOURS;
        };
    }
}
