package dev.offload.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON text held in a config value ({@code warmup.<name>}): checked when set, plain again for printing. */
final class JsonText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonText() {
    }

    /** {@code text} as compact JSON, or a {@link ConfigException} naming {@code key} when it is not JSON. */
    static String check(String key, String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException(key, String.valueOf(text), key + " must be a JSON value, e.g. {\"n\": 15}");
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new ConfigException(key, text, key + " must be a JSON value, e.g. {\"n\": 15}");
            }
            return node.toString();
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            int source = why.indexOf(" (start marker at");
            throw new ConfigException(key, text, key + " is not JSON: " + (source < 0 ? why : why.substring(0, source)));
        }
    }

    /** The value of {@code json} as maps, lists and scalars (checked JSON, see {@link #check}). */
    static Object plain(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            return json; // cannot happen for checked text; printing it as text is the next best
        }
    }
}
