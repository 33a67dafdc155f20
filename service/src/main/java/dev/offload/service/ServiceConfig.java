package dev.offload.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.offload.config.ConfigException;
import dev.offload.config.PoolConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
     * Built-in defaults, then the bundled handlers, then this JVM's overrides. The resource holds
     * nothing but {@code handlers}, so the layering can be done here without a file: overrides set
     * single handler entries ({@code OFFLOAD_HANDLERS_FIB}), which win over the bundled ones.
     */
    static PoolConfig bundledDefault() {
        PoolConfig overridden = PoolConfig.fromEnvironment();
        Map<String, String> handlers = new LinkedHashMap<>(bundledHandlers());
        handlers.putAll(overridden.handlers());
        return overridden.toBuilder().handlers(handlers).build();
    }

    private static Map<String, String> bundledHandlers() {
        Map<String, Map<String, String>> root;
        try (InputStream in = open()) {
            root = new YAMLMapper().readValue(in, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled " + DEFAULT_RESOURCE, e);
        }
        if (root == null || !root.keySet().equals(Set.of("handlers"))) {
            // A packaging mistake, not a user error: the resource is ours.
            throw new IllegalStateException("the bundled " + DEFAULT_RESOURCE + " must hold only handlers (has "
                    + (root == null ? "nothing" : root.keySet()) + ")");
        }
        return root.get("handlers");
    }

    private static InputStream open() throws IOException {
        InputStream in = ServiceConfig.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE);
        if (in == null) {
            throw new IOException(DEFAULT_RESOURCE + " is not on the class path");
        }
        return in;
    }
}
