package dev.offload.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How one kind of setting is read from a file's tree node or from an override's text, and written
 * back for {@link PoolConfig#toMap()}. Only the shape is checked here (a number where a number
 * belongs); ranges and allowed values are the builder's job, so code and files share one rule.
 */
interface ValueType<T> {

    T fromNode(JsonNode node, String key);

    T fromText(String text, String key);

    Object toPlain(T value);

    ValueType<Integer> INT = new ValueType<>() {
        private final Pattern integer = Pattern.compile("[+-]?\\d+");

        public Integer fromNode(JsonNode node, String key) {
            if (!node.isIntegralNumber()) {
                throw expected(key, "an integer", node);
            }
            if (!node.canConvertToInt()) {
                throw outOfRange(key, node.asText());
            }
            return node.intValue();
        }

        public Integer fromText(String text, String key) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                if (integer.matcher(text.strip()).matches()) {
                    throw outOfRange(key, text);
                }
                throw new ConfigException(key, text, key + ": expected an integer, got " + Units.quote(text));
            }
        }

        public Object toPlain(Integer value) {
            return value;
        }

        private ConfigException outOfRange(String key, String text) {
            return new ConfigException(key, text, key + ": " + text.strip() + " is out of range for an integer (max "
                    + Integer.MAX_VALUE + ")");
        }
    };

    /** Bytes: a size string ({@code 16m}) or, in a file, a plain integer. */
    ValueType<Long> SIZE = new ValueType<>() {
        public Long fromNode(JsonNode node, String key) {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
            if (node.isTextual()) {
                return Units.parseSize(node.textValue(), key);
            }
            throw expected(key, "a size such as 16m or a number of bytes", node);
        }

        public Long fromText(String text, String key) {
            return Units.parseSize(text, key);
        }

        public Object toPlain(Long value) {
            return Units.formatSize(value);
        }
    };

    /** {@code true} or {@code false}: a YAML/JSON boolean in a file, either word (any case) in an override. */
    ValueType<Boolean> BOOLEAN = new ValueType<>() {
        public Boolean fromNode(JsonNode node, String key) {
            if (!node.isBoolean()) {
                throw expected(key, "true or false", node);
            }
            return node.booleanValue();
        }

        public Boolean fromText(String text, String key) {
            String word = text.strip();
            if (word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(word);
            }
            throw new ConfigException(key, text, key + ": expected true or false, got " + Units.quote(text));
        }

        public Object toPlain(Boolean value) {
            return value;
        }
    };

    /** A size kept as text, because the builder takes it as text ({@code workerHeap("256m")}). */
    ValueType<String> SIZE_TEXT = new ValueType<>() {
        public String fromNode(JsonNode node, String key) {
            if (node.isIntegralNumber() || node.isTextual()) {
                return node.asText();
            }
            throw expected(key, "a size such as 256m or a number of bytes", node);
        }

        public String fromText(String text, String key) {
            return text.strip();
        }

        public Object toPlain(String value) {
            return value;
        }
    };

    /** A duration with a unit ({@code 250ms}); a bare {@code 0} also reads as a YAML integer. */
    ValueType<Duration> DURATION = new ValueType<>() {
        public Duration fromNode(JsonNode node, String key) {
            if (node.isTextual() || node.isIntegralNumber()) {
                return Units.parseDuration(node.asText(), key);
            }
            throw expected(key, "a duration such as 250ms or 15s", node);
        }

        public Duration fromText(String text, String key) {
            return Units.parseDuration(text, key);
        }

        public Object toPlain(Duration value) {
            return Units.formatDuration(value);
        }
    };

    ValueType<String> TEXT = new ValueType<>() {
        public String fromNode(JsonNode node, String key) {
            if (!node.isTextual()) {
                throw expected(key, "a string", node);
            }
            return node.textValue();
        }

        public String fromText(String text, String key) {
            return text.strip();
        }

        public Object toPlain(String value) {
            return value;
        }
    };

    ValueType<Path> PATH = new ValueType<>() {
        public Path fromNode(JsonNode node, String key) {
            return fromText(TEXT.fromNode(node, key), key);
        }

        public Path fromText(String text, String key) {
            try {
                return Path.of(text.strip());
            } catch (InvalidPathException e) {
                throw new ConfigException(key, text, key + ": " + Units.quote(text) + " is not a valid path ("
                        + e.getReason() + ")");
            }
        }

        public Object toPlain(Path value) {
            return value.toString();
        }
    };

    /** A YAML list of strings; in an override, comma-separated items. */
    ValueType<List<String>> TEXT_LIST = new ValueType<>() {
        public List<String> fromNode(JsonNode node, String key) {
            if (!node.isArray()) {
                throw expected(key, "a list of strings", node);
            }
            var items = new ArrayList<String>();
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    throw expected(key + "[" + items.size() + "]", key, "a string", item);
                }
                items.add(item.textValue());
            }
            return items;
        }

        public List<String> fromText(String text, String key) {
            var items = new ArrayList<String>();
            if (!text.isBlank()) {
                for (String item : text.split(",", -1)) {
                    items.add(item.strip());
                }
            }
            return items;
        }

        public Object toPlain(List<String> value) {
            return new ArrayList<>(value);
        }
    };

    /**
     * A YAML mapping of names to scalars, kept as strings (an environment value {@code 1} or
     * {@code true} is text to the child process). Overrides set one entry at a time instead.
     */
    ValueType<Map<String, String>> TEXT_MAP = new ValueType<>() {
        public Map<String, String> fromNode(JsonNode node, String key) {
            return mapping(node, key, "a mapping of names to values", "a string",
                    v -> v.isValueNode() && !v.isNull(), JsonNode::asText);
        }

        public Map<String, String> fromText(String text, String key) {
            throw new IllegalStateException(key + " is overridden one entry at a time");
        }

        public Object toPlain(Map<String, String> value) {
            return new LinkedHashMap<>(value);
        }
    };

    /**
     * A mapping of names to JSON values ({@code warmup}): each value may be any YAML or JSON value
     * but null, kept as compact JSON text. Overrides set one entry at a time, as JSON text.
     */
    ValueType<Map<String, String>> JSON_MAP = new ValueType<>() {
        public Map<String, String> fromNode(JsonNode node, String key) {
            return mapping(node, key, "a mapping of names to JSON values", "a JSON value", v -> !v.isNull(),
                    JsonNode::toString);
        }

        public Map<String, String> fromText(String text, String key) {
            return TEXT_MAP.fromText(text, key);
        }

        public Object toPlain(Map<String, String> value) {
            var plain = new LinkedHashMap<String, Object>();
            value.forEach((name, json) -> plain.put(name, JsonText.plain(json)));
            return plain;
        }
    };

    /**
     * The entries of a mapping ({@link #TEXT_MAP}, {@link #JSON_MAP}), in order, each value that
     * {@code accepts} as {@code text} gives it; else the error naming {@code key} or the entry's key.
     */
    private static Map<String, String> mapping(JsonNode node, String key, String what, String valueWhat,
                                               Predicate<JsonNode> accepts, Function<JsonNode, String> text) {
        if (!node.isObject()) {
            throw expected(key, what, node);
        }
        var map = new LinkedHashMap<String, String>();
        for (var e : node.properties()) {
            if (!accepts.test(e.getValue())) {
                throw expected(key + "." + e.getKey(), valueWhat, e.getValue());
            }
            map.put(e.getKey(), text.apply(e.getValue()));
        }
        return map;
    }

    private static ConfigException expected(String key, String what, JsonNode got) {
        return expected(key, key, what, got);
    }

    /** {@code label} is what the message shows (e.g. {@code workers.jvmArgs[2]}); {@code key} is the key. */
    private static ConfigException expected(String label, String key, String what, JsonNode got) {
        String value = got.isTextual() ? got.textValue() : got.toString();
        return new ConfigException(key, value, label + ": expected " + what + ", got " + describe(got));
    }

    private static String describe(JsonNode node) {
        if (node.isTextual()) {
            return Units.quote(node.textValue());
        }
        if (node.isArray()) {
            return "a list " + node;
        }
        if (node.isObject()) {
            return "a mapping " + node;
        }
        return node.isNull() ? "nothing (null)" : node.asText();
    }
}
