package dev.offload.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a config file into a builder. The file is parsed to a tree and walked key by key against
 * {@link Setting#ALL}, never data-bound, so that every unknown key and every wrong type is reported
 * with its full key and the file's path.
 */
final class ConfigReader {

    // A duplicated key is an error, not "last one wins": it is almost always a merge mistake.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final Pattern YAML_MARK = Pattern.compile("in 'reader', line (\\d+), column (\\d+)");

    private final Path file;
    private final PoolConfigBuilder builder;
    private final Map<String, String> origins;

    private ConfigReader(Path file, PoolConfigBuilder builder, Map<String, String> origins) {
        this.file = file.toAbsolutePath();
        this.builder = builder;
        this.origins = origins;
    }

    /** Applies {@code file} to {@code builder}, recording {@code "in <file>"} in {@code origins} for each key set. */
    static void read(Path file, PoolConfigBuilder builder, Map<String, String> origins) {
        new ConfigReader(file, builder, origins).read();
    }

    private void read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw ConfigException.ofFile("cannot read config file " + file + ": " + describe(e), e);
        }
        JsonNode root = parse(bytes);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file (or one holding only comments) means defaults
        }
        if (!root.isObject()) {
            throw ConfigException.ofFile("config file " + file + " must hold a mapping of keys ("
                    + String.join(", ", Setting.childrenOf("")) + "), got " + (root.isArray() ? "a list" : root), null);
        }
        walk(root, "");
    }

    private JsonNode parse(byte[] bytes) {
        ObjectMapper mapper = isJson(bytes) ? JSON : YAML;
        try (JsonParser parser = mapper.createParser(bytes)) {
            JsonNode root = mapper.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw ConfigException.ofFile("cannot parse config file " + file + at(parser.currentLocation())
                        + ": it holds more than one document", null);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw ConfigException.ofFile("cannot parse config file " + file + where(e) + ": " + detail(e), e);
        } catch (IOException e) {
            throw ConfigException.ofFile("cannot read config file " + file + ": " + describe(e), e);
        }
    }

    private boolean isJson(byte[] bytes) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return true;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return false;
        }
        // Any other name: JSON if it starts like JSON (its parser gives better errors), else YAML.
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    private void walk(JsonNode section, String prefix) {
        for (var field : section.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            Setting<?> setting = Setting.find(key);
            if (setting != null) {
                try {
                    setting.set(builder, value);
                } catch (ConfigException e) {
                    throw e.withSuffix("; set in " + file);
                }
                origins.put(key, "in " + file);
            } else if (Setting.isSection(key)) {
                if (value.isObject()) {
                    walk(value, key);
                } else if (!value.isNull()) { // "workers:" with nothing under it is an empty section
                    throw new ConfigException(key, value.toString(), key + ": expected a mapping of keys ("
                            + String.join(", ", Setting.childrenOf(key)) + "), got " + value + "; set in " + file);
                }
            } else {
                throw new ConfigException(key, null, "unknown key '" + key + "' in " + file + " "
                        + Setting.knownKeysHint(key));
            }
        }
    }

    /**
     * SnakeYAML's messages carry their own marks ("in 'reader', line 2, column 6") and a snippet with a
     * caret; the last mark is the problem, and can differ from Jackson's location (the last token read).
     */
    private static String where(JsonProcessingException e) {
        Matcher mark = YAML_MARK.matcher(e.getOriginalMessage());
        String last = null;
        while (mark.find()) {
            last = " at line " + mark.group(1) + ", column " + mark.group(2);
        }
        return last != null ? last : at(e.getLocation());
    }

    private static String detail(JsonProcessingException e) {
        return e.getOriginalMessage().strip().replace(" in 'reader', line", " at line");
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** "NoSuchFileException", or "IOException: Is a directory" when the message adds something. */
    private String describe(IOException e) {
        String message = e.getMessage();
        boolean adds = message != null && !message.equals(file.toString()) && !message.isBlank();
        return e.getClass().getSimpleName() + (adds ? ": " + message : "");
    }
}
