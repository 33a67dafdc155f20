package dev.offload.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.offload.config.ConfigException;
import dev.offload.config.PoolConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The config the service runs with: a file given on the command line, or else the bundled
 * {@value #DEFAULT_RESOURCE}, with {@code -Doffload.*} and {@code OFFLOAD_*} overrides on top of
 * either.
 */
final class ServiceConfig {
    static final String DEFAULT_RESOURCE = "offload-default.yaml";

    private ServiceConfig() {
    }

    /**
     * @param file a YAML or JSON config file, or null for the bundled default
     * @throws ConfigException when the file or an override is invalid
     */
    static PoolConfig load(Path file) {
        return file == null ? bundledDefault() : PoolConfig.load(file);
    }

    /**
     * Built-in defaults, then the bundled handlers and their warm-up samples, then this JVM's
     * overrides. The resource holds nothing but {@code handlers} and {@code warmup}, so the layering
     * can be done here without a file: overrides set single entries ({@code OFFLOAD_HANDLERS_FIB},
     * {@code OFFLOAD_WARMUP_FIB}), which win over the bundled ones. A bundled sample is dropped when
     * an override gives its name to another class: that handler never asked to run on it.
     */
    static PoolConfig bundledDefault() {
        PoolConfig overridden = PoolConfig.fromEnvironment();
        JsonNode root = bundled();
        Map<String, String> bundledHandlers = new LinkedHashMap<>();
        root.get("handlers").properties().forEach(e -> bundledHandlers.put(e.getKey(), e.getValue().asText()));
        Map<String, String> handlers = new LinkedHashMap<>(bundledHandlers);
        handlers.putAll(overridden.handlers());
        Map<String, String> warmup = new LinkedHashMap<>();
        root.get("warmup").properties().forEach(e -> {
            if (e.getValue().isNull() || !bundledHandlers.containsKey(e.getKey())) {
                throw new IllegalStateException("the bundled " + DEFAULT_RESOURCE + " has a warm-up sample for "
                        + e.getKey() + ", which is not one of its handlers or is null");
            }
            if (bundledHandlers.get(e.getKey()).equals(handlers.get(e.getKey()))) {
                warmup.put(e.getKey(), e.getValue().toString());
            }
        });
        warmup.putAll(overridden.warmup());
        return overridden.toBuilder().handlers(handlers).warmup(warmup).build();
    }

    private static JsonNode bundled() {
        JsonNode root;
        try (InputStream in = open()) {
            root = new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled " + DEFAULT_RESOURCE, e);
        }
        Set<String> keys = new LinkedHashSet<>();
        if (root != null) {
            root.fieldNames().forEachRemaining(keys::add);
        }
        if (!keys.equals(Set.of("handlers", "warmup")) || !root.get("handlers").isObject() || !root.get("warmup").isObject()) {
            // A packaging mistake, not a user error: the resource is ours.
            throw new IllegalStateException("the bundled " + DEFAULT_RESOURCE + " must hold handlers and warmup, "
                    + "two mappings, and nothing else (has " + keys + ")");
        }
        return root;
    }

    private static InputStream open() throws IOException {
        InputStream in = ServiceConfig.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE);
        if (in == null) {
            throw new IOException(DEFAULT_RESOURCE + " is not on the class path");
        }
        return in;
    }
}
