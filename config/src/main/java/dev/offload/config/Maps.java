package dev.offload.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

final class Maps {

    private Maps() {
    }

    /** An unmodifiable copy that keeps insertion order ({@code Map.copyOf} does not). */
    static Map<String, String> orderedCopy(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Puts {@code value} at a dotted path ({@code transport.shm.dir}), creating the sections on the way. */
    @SuppressWarnings("unchecked")
    static void putPath(Map<String, Object> root, String path, Object value) {
        Map<String, Object> section = root;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            section = (Map<String, Object>) section.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        section.put(parts[parts.length - 1], value);
    }
}
