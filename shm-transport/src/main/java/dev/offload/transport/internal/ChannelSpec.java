package dev.offload.transport.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which channel a worker opens, as the parent passes it in one environment variable
 * ({@value #ENV}), the way Surefire's booter is handed {@code pipe://3}:
 *
 * <pre>
 *   pipe:?max=16777216&amp;spin=20000
 *   shm:/dev/shm/offload-123-k3j9x2/w0?max=16777216&amp;spin=20000
 * </pre>
 *
 * {@code max} is {@link ChannelOptions#maxFrameBytes()} and {@code spin}
 * {@link ChannelOptions#spinNanos()}; either may be left out for its default. The shm path runs up
 * to the first {@code '?'}, so it may not contain one.
 *
 * @param kind    {@code "pipe"} or {@code "shm"}
 * @param dir     the worker's shm directory (absolute); null for pipe
 * @param options frame limit and spin budget, the same on both sides
 */
public record ChannelSpec(String kind, Path dir, ChannelOptions options) {
    /** The environment variable that carries the spec to a worker. */
    public static final String ENV = "OFFLOAD_CHANNEL";
    public static final String PIPE = "pipe";
    public static final String SHM = "shm";

    private static final String MAX = "max";
    private static final String SPIN = "spin";

    public ChannelSpec {
        if (options == null) {
            throw new IllegalArgumentException("channel options must not be null");
        }
        if (PIPE.equals(kind)) {
            if (dir != null) {
                throw new IllegalArgumentException("a pipe channel has no directory (got " + dir + ")");
            }
        } else if (SHM.equals(kind)) {
            if (dir == null || !dir.isAbsolute()) {
                throw new IllegalArgumentException("an shm channel needs an absolute directory (got " + dir + ")");
            }
            if (dir.toString().indexOf('?') >= 0) {
                throw new IllegalArgumentException("an shm directory may not contain '?' (got " + dir + ")");
            }
        } else {
            throw new IllegalArgumentException("channel kind must be pipe or shm (got " + kind + ")");
        }
    }

    public static ChannelSpec pipe(ChannelOptions options) {
        return new ChannelSpec(PIPE, null, options);
    }

    public static ChannelSpec shm(Path workerDir, ChannelOptions options) {
        return new ChannelSpec(SHM, workerDir, options);
    }

    /** Parses a spec; the exception's message quotes the spec and names the part that is wrong. */
    public static ChannelSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(ENV + " is empty: expected e.g. pipe:?max=16777216"
                    + " or shm:/dev/shm/offload-<pid>-<id>/w0?max=16777216&spin=20000");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw bad(text, "no ':' after the channel kind (pipe or shm)");
        }
        String kind = text.substring(0, colon);
        if (!kind.equals(PIPE) && !kind.equals(SHM)) {
            throw bad(text, "unknown channel kind '" + kind + "' (expected pipe or shm)");
        }
        String rest = text.substring(colon + 1);
        int q = rest.indexOf('?');
        String location = q < 0 ? rest : rest.substring(0, q);
        Map<String, Long> params = parseQuery(text, q < 0 ? "" : rest.substring(q + 1));
        ChannelOptions defaults = ChannelOptions.defaults();
        ChannelOptions options;
        try {
            options = new ChannelOptions(params.getOrDefault(MAX, defaults.maxFrameBytes()),
                    params.getOrDefault(SPIN, defaults.spinNanos()));
        } catch (IllegalArgumentException e) {
            throw bad(text, e.getMessage());
        }
        if (kind.equals(PIPE)) {
            if (!location.isEmpty()) {
                throw bad(text, "a pipe channel takes no path (got '" + location + "')");
            }
            return pipe(options);
        }
        if (location.isEmpty()) {
            throw bad(text, "an shm channel needs the worker's directory after 'shm:'");
        }
        Path dir;
        try {
            dir = Path.of(location);
        } catch (InvalidPathException e) {
            throw bad(text, "'" + location + "' is not a valid path: " + e.getMessage());
        }
        if (!dir.isAbsolute()) {
            throw bad(text, "the shm directory must be an absolute path (got '" + location + "')");
        }
        return shm(dir, options);
    }

    private static Map<String, Long> parseQuery(String text, String query) {
        Map<String, Long> params = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return params;
        }
        for (String part : query.split("&", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw bad(text, "parameter '" + part + "' has no '=value'");
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (!key.equals(MAX) && !key.equals(SPIN)) {
                throw bad(text, "unknown parameter '" + key + "' (expected " + MAX + " or " + SPIN + ")");
            }
            long number;
            try {
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw bad(text, key + " must be a whole number (got '" + value + "')");
            }
            if (params.put(key, number) != null) {
                throw bad(text, "parameter '" + key + "' is given twice");
            }
        }
        return params;
    }

    private static IllegalArgumentException bad(String text, String what) {
        return new IllegalArgumentException("bad channel spec \"" + text + "\" in " + ENV + ": " + what);
    }

    /** The spec as {@link #parse} reads it. */
    public String format() {
        String query = "?" + MAX + "=" + options.maxFrameBytes() + "&" + SPIN + "=" + options.spinNanos();
        return kind + ":" + (dir == null ? "" : dir.toString()) + query;
    }

    @Override
    public String toString() {
        return format();
    }
}
