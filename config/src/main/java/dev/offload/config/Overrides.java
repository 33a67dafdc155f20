package dev.offload.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies {@code -Doffload.<key>=value} system properties, then {@code OFFLOAD_<KEY>} environment
 * variables, to a builder. Keys are the file's ({@code offload.workers.idleTimeout}); in the
 * environment dots become underscores and camelCase is split ({@code OFFLOAD_WORKERS_IDLE_TIMEOUT}),
 * or not ({@code OFFLOAD_WORKERS_IDLETIMEOUT}). Lists are comma-separated. Maps are set one entry at
 * a time: {@code -Doffload.handlers.fib=com.x.Fib} or {@code OFFLOAD_HANDLERS_FIB} (name lower-cased),
 * {@code -Doffload.workers.env.TZ=UTC} or {@code OFFLOAD_WORKERS_ENV_TZ} (name kept),
 * {@code -Doffload.warmup.fib={"n":15}} or {@code OFFLOAD_WARMUP_FIB} (name lower-cased, value JSON text). Any other
 * {@code offload.*} property or {@code OFFLOAD_*} variable, except the reserved ones, is an error.
 */
final class Overrides {

    private static final String PROPERTY_PREFIX = "offload.";
    private static final String ENV_PREFIX = "OFFLOAD_";
    private static final String ENV_HANDLERS = "OFFLOAD_HANDLERS_";
    private static final String ENV_WARMUP = "OFFLOAD_WARMUP_";
    private static final String ENV_WORKER_ENV = "OFFLOAD_WORKERS_ENV_";

    /** Every accepted environment name of a plain (non-map) key, to that key. */
    private static final Map<String, String> ENV_KEYS = new HashMap<>();

    static {
        for (Setting<?> setting : Setting.ALL) {
            for (String name : setting.environmentNames()) {
                ENV_KEYS.put(name, setting.key);
            }
        }
    }

    private final PoolConfigBuilder builder;
    private final Map<String, String> origins;

    private Overrides(PoolConfigBuilder builder, Map<String, String> origins) {
        this.builder = builder;
        this.origins = origins;
    }

    static void apply(Map<String, String> systemProperties, Map<String, String> environment,
                      PoolConfigBuilder builder, Map<String, String> origins) {
        var overrides = new Overrides(builder, origins);
        // Sorted so that, of several bad names, the same one is reported every time.
        new TreeMap<>(systemProperties).forEach((name, value) -> {
            if (name.startsWith(PROPERTY_PREFIX)) {
                overrides.applyProperty(name, value);
            }
        });
        var setBy = new HashMap<String, String>();
        new TreeMap<>(environment).forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !PoolConfig.RESERVED_ENVIRONMENT_VARIABLES.contains(name)) {
                String key = keyOfVariable(name, value);
                String other = setBy.put(key, name);
                if (other != null) {
                    throw new ConfigException(key, value, other + " and " + name + " both set " + key
                            + "; keep one of them");
                }
                overrides.set(key, value, "by " + name);
            }
        });
    }

    private void applyProperty(String name, String value) {
        String key = name.substring(PROPERTY_PREFIX.length());
        Setting<?> setting = Setting.find(key);
        if (setting != null && setting.isMap()) {
            throw new ConfigException(key, value, "system property " + name + ": " + key
                    + " is overridden one entry at a time, e.g. -D" + name + ".<name>=<value>");
        }
        if (setting == null && mapSettingOf(key) == null) {
            throw new ConfigException(key, value, "unknown system property " + name + " "
                    + Setting.knownKeysHint(key));
        }
        set(key, value, "by -D" + name);
    }

    /** The config key an {@code OFFLOAD_*} variable sets ({@code workers.max}, {@code handlers.fib}). */
    private static String keyOfVariable(String name, String value) {
        String key = ENV_KEYS.get(name);
        if (key != null && Setting.find(key).isMap()) {
            throw new ConfigException(key, value, "environment variable " + name + ": " + key
                    + " is overridden one entry at a time, e.g. " + name + "_<NAME>=<value>");
        }
        if (key != null) {
            return key;
        }
        if (name.startsWith(ENV_HANDLERS) && name.length() > ENV_HANDLERS.length()) {
            return "handlers." + name.substring(ENV_HANDLERS.length()).toLowerCase(Locale.ROOT);
        }
        if (name.startsWith(ENV_WARMUP) && name.length() > ENV_WARMUP.length()) {
            return "warmup." + name.substring(ENV_WARMUP.length()).toLowerCase(Locale.ROOT);
        }
        if (name.startsWith(ENV_WORKER_ENV) && name.length() > ENV_WORKER_ENV.length()) {
            return "workers.env." + name.substring(ENV_WORKER_ENV.length());
        }
        throw new ConfigException(name, value, "unknown environment variable " + name + suggestion(name)
                + "; config keys map to OFFLOAD_<KEY>, e.g. OFFLOAD_WORKERS_MAX for workers.max or "
                + "OFFLOAD_WORKERS_IDLE_TIMEOUT for workers.idleTimeout, and these are reserved: "
                + String.join(", ", PoolConfig.RESERVED_ENVIRONMENT_VARIABLES));
    }

    private void set(String key, String value, String origin) {
        try {
            Setting<?> mapSetting = mapSettingOf(key);
            if (mapSetting == null) {
                Setting.find(key).set(builder, value);
            } else if (mapSetting.key.equals("handlers")) {
                builder.handler(entryName(mapSetting, key), value.strip());
            } else if (mapSetting.key.equals("warmup")) {
                builder.warmupInput(entryName(mapSetting, key), JsonText.check(key, value));
            } else {
                builder.workerEnv(entryName(mapSetting, key), value);
            }
        } catch (ConfigException e) {
            throw e.withSuffix("; set " + origin);
        }
        origins.put(key, origin);
    }

    /** The map setting ({@code handlers}, {@code workers.env}) that {@code key} names an entry of, or null. */
    private static Setting<?> mapSettingOf(String key) {
        for (Setting<?> setting : Setting.ALL) {
            if (setting.isMap() && key.startsWith(setting.key + ".") && key.length() > setting.key.length() + 1) {
                return setting;
            }
        }
        return null;
    }

    private static String entryName(Setting<?> mapSetting, String key) {
        return key.substring(mapSetting.key.length() + 1);
    }

    /** " (did you mean OFFLOAD_WORKERS_MAX?)" when a known name is a few edits away, else "". */
    private static String suggestion(String name) {
        String best = null;
        int bestDistance = 4;
        for (String known : new TreeMap<>(ENV_KEYS).keySet()) {
            int d = editDistance(name, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
