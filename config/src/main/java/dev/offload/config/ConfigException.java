package dev.offload.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An invalid configuration value, key, file or override. The message names the key as written in a
 * config file (e.g. {@code workers.max}), the offending value, what is allowed, and where the value
 * came from (the file, the system property or the environment variable) when it did not come from
 * code.
 */
public final class ConfigException extends IllegalArgumentException {

    private final String key;
    private final String value;
    /** Every key the rule involves, {@link #key} first; used to say where each value came from. */
    private final transient List<String> keys;

    /**
     * @param key     the key as written in a config file, or null for an error about a whole file
     * @param value   the offending value as text, or null
     * @param message the full message, naming the key, the value and what is allowed
     */
    public ConfigException(String key, String value, String message) {
        this(key, value, message, null, key == null ? List.of() : List.of(key));
    }

    ConfigException(String key, String value, String message, Throwable cause, List<String> keys) {
        super(message, cause);
        this.key = key;
        this.value = value;
        this.keys = List.copyOf(keys);
    }

    /** An error about a rule that involves several keys, e.g. {@code workers.max >= workers.min}. */
    static ConfigException ofKeys(List<String> keys, String value, String message) {
        return new ConfigException(keys.get(0), value, message, null, keys);
    }

    /** An error about a whole file (unreadable, malformed), not about one key. */
    static ConfigException ofFile(String message, Throwable cause) {
        return new ConfigException(null, null, message, cause, List.of());
    }

    /** The key as written in a config file (e.g. {@code workers.max}), or null for a file-level error. */
    public String key() {
        return key;
    }

    /** The offending value as text, or null when there is none (e.g. an unreadable file). */
    public String value() {
        return value;
    }

    /** The same error with {@code suffix} appended to the message (e.g. where the value came from). */
    ConfigException withSuffix(String suffix) {
        return new ConfigException(key, value, getMessage() + suffix, getCause(), keys);
    }

    /**
     * The same error, saying where the involved keys were set. {@code origins} maps a key (or a map
     * key such as {@code handlers}, covering {@code handlers.fib}) to a phrase such as
     * {@code "in /etc/app.yaml"} or {@code "by OFFLOAD_WORKERS_MAX"}; keys left at their default or
     * set in code have none.
     */
    ConfigException withOrigins(Map<String, String> origins) {
        var phrases = keys.stream().map(k -> originOf(k, origins)).filter(Objects::nonNull).distinct().toList();
        if (phrases.isEmpty()) {
            return this;
        }
        if (phrases.size() == 1) {
            return withSuffix("; set " + phrases.get(0));
        }
        var parts = keys.stream()
                .filter(k -> originOf(k, origins) != null)
                .map(k -> k + " set " + originOf(k, origins))
                .toList();
        return withSuffix("; " + String.join(", ", parts));
    }

    private static String originOf(String key, Map<String, String> origins) {
        for (String k = key; ; k = k.substring(0, k.lastIndexOf('.'))) {
            String origin = origins.get(k);
            if (origin != null || k.indexOf('.') < 0) {
                return origin;
            }
        }
    }
}
