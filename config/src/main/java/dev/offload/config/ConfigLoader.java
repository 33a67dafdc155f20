package dev.offload.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The layering: defaults, then the file, then {@code -Doffload.*}, then {@code OFFLOAD_*}; then one validation. */
final class ConfigLoader {

    private ConfigLoader() {
    }

    /** {@code file} may be null (no file layer). */
    static PoolConfig load(Path file, Map<String, String> systemProperties, Map<String, String> environment) {
        var builder = PoolConfig.builder();
        // Where each key was last set ("in /etc/app.yaml", "by OFFLOAD_WORKERS_MAX"), so that a rule
        // broken only by the combination of layers can say which layer set what.
        var origins = new HashMap<String, String>();
        if (file != null) {
            ConfigReader.read(file, builder, origins);
        }
        Overrides.apply(systemProperties, environment, builder, origins);
        try {
            return builder.build();
        } catch (ConfigException e) {
            throw e.withOrigins(origins);
        }
    }

    static Map<String, String> systemProperties() {
        var props = System.getProperties();
        var map = new HashMap<String, String>();
        for (String name : props.stringPropertyNames()) {
            map.put(name, props.getProperty(name));
        }
        return map;
    }
}
