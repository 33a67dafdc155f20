package dev.offload.config;

import static dev.offload.config.ValueType.BOOLEAN;
import static dev.offload.config.ValueType.DURATION;
import static dev.offload.config.ValueType.INT;
import static dev.offload.config.ValueType.JSON_MAP;
import static dev.offload.config.ValueType.PATH;
import static dev.offload.config.ValueType.SIZE;
import static dev.offload.config.ValueType.SIZE_TEXT;
import static dev.offload.config.ValueType.TEXT;
import static dev.offload.config.ValueType.TEXT_LIST;
import static dev.offload.config.ValueType.TEXT_MAP;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One key of the config file: its name as written ({@code workers.idleTimeout}), its value type, and
 * how it is set on a builder and read back from a config. {@link #ALL} is the one table the file
 * reader, the overrides and {@link PoolConfig#toMap()} share, in file order.
 */
final class Setting<T> {

    static final List<Setting<?>> ALL = List.of(
            of("workers.min", INT, PoolConfigBuilder::minWorkers, PoolConfig::minWorkers),
            of("workers.max", INT, PoolConfigBuilder::maxWorkers, PoolConfig::maxWorkers),
            of("workers.idleTimeout", DURATION, PoolConfigBuilder::idleTimeout, PoolConfig::idleTimeout),
            of("workers.maxJobs", INT, PoolConfigBuilder::maxJobsPerWorker, PoolConfig::maxJobsPerWorker),
            of("workers.startTimeout", DURATION, PoolConfigBuilder::startTimeout, PoolConfig::startTimeout),
            of("workers.heap", SIZE_TEXT, PoolConfigBuilder::workerHeap, PoolConfig::workerHeap),
            of("workers.jvmArgs", TEXT_LIST, PoolConfigBuilder::workerJvmArgs, PoolConfig::workerJvmArgs),
            of("workers.env", TEXT_MAP, PoolConfigBuilder::workerEnv, PoolConfig::workerEnv),
            of("workers.classPath", TEXT, PoolConfigBuilder::workerClassPath, c -> c.workerClassPath().orElse(null)),
            of("workers.nice", INT, PoolConfigBuilder::workerNice, PoolConfig::workerNice),
            of("workers.cds", BOOLEAN, PoolConfigBuilder::workerCds, PoolConfig::workerCds),
            of("workers.heartbeatInterval", DURATION, PoolConfigBuilder::heartbeatInterval, PoolConfig::heartbeatInterval),
            of("workers.heartbeatTimeout", DURATION, PoolConfigBuilder::heartbeatTimeout, PoolConfig::heartbeatTimeout),
            of("queue.capacity", INT, PoolConfigBuilder::queueCapacity, PoolConfig::queueCapacity),
            of("jobs.timeout", DURATION, PoolConfigBuilder::jobTimeout, PoolConfig::jobTimeout),
            of("jobs.maxAttempts", INT, PoolConfigBuilder::maxAttempts, PoolConfig::maxAttempts),
            of("jobs.cancelGrace", DURATION, PoolConfigBuilder::cancelGrace, PoolConfig::cancelGrace),
            of("jobs.completion", TEXT, PoolConfigBuilder::completion, PoolConfig::completion),
            of("transport.kind", TEXT, PoolConfigBuilder::transport, PoolConfig::transport),
            of("transport.maxFrameBytes", SIZE, PoolConfigBuilder::maxFrameBytes, PoolConfig::maxFrameBytes),
            of("transport.shm.dir", PATH, PoolConfigBuilder::shmDir, PoolConfig::shmDir),
            of("transport.shm.spin", DURATION, PoolConfigBuilder::shmSpin, PoolConfig::shmSpin),
            of("transport.shm.startOverPipe", TEXT, PoolConfigBuilder::shmStartOverPipe, PoolConfig::shmStartOverPipe),
            of("cluster.name", TEXT, PoolConfigBuilder::clusterName, PoolConfig::clusterName),
            of("cluster.bind", TEXT, PoolConfigBuilder::clusterBind, PoolConfig::clusterBind),
            of("cluster.members", TEXT_LIST, PoolConfigBuilder::clusterMembers, PoolConfig::clusterMembers),
            of("cluster.heartbeatTimeout", DURATION, PoolConfigBuilder::clusterHeartbeatTimeout,
                    PoolConfig::clusterHeartbeatTimeout),
            of("journal.dir", PATH, PoolConfigBuilder::journalDir, c -> c.journalDir().orElse(null)),
            of("journal.flush", TEXT, PoolConfigBuilder::journalFlush, PoolConfig::journalFlush),
            of("journal.resultTtl", DURATION, PoolConfigBuilder::journalResultTtl, PoolConfig::journalResultTtl),
            of("handlers", TEXT_MAP, PoolConfigBuilder::handlers, PoolConfig::handlers),
            of("warmup", JSON_MAP, PoolConfigBuilder::warmup, PoolConfig::warmup));

    final String key;
    final ValueType<T> type;
    private final BiConsumer<PoolConfigBuilder, T> setter;
    private final Function<PoolConfig, T> getter;

    private Setting(String key, ValueType<T> type, BiConsumer<PoolConfigBuilder, T> setter,
                    Function<PoolConfig, T> getter) {
        this.key = key;
        this.type = type;
        this.setter = setter;
        this.getter = getter;
    }

    private static <T> Setting<T> of(String key, ValueType<T> type, BiConsumer<PoolConfigBuilder, T> setter,
                                     Function<PoolConfig, T> getter) {
        return new Setting<>(key, type, setter, getter);
    }

    /** The setting with this file key, or null. */
    static Setting<?> find(String key) {
        return ALL.stream().filter(s -> s.key.equals(key)).findFirst().orElse(null);
    }

    /** Whether {@code path} (e.g. {@code transport.shm}) is a section that holds keys. */
    static boolean isSection(String path) {
        return ALL.stream().anyMatch(s -> s.key.startsWith(path + "."));
    }

    /** The names directly under a section ({@code ""} for the top level), in file order. */
    static List<String> childrenOf(String section) {
        String prefix = section.isEmpty() ? "" : section + ".";
        return ALL.stream()
                .filter(s -> s.key.startsWith(prefix))
                .map(s -> s.key.substring(prefix.length()).split("\\.")[0])
                .distinct()
                .toList();
    }

    /** "(known keys under workers: min, max, ...)" for the deepest known section above {@code path}. */
    static String knownKeysHint(String path) {
        String section = path;
        do {
            int dot = section.lastIndexOf('.');
            section = dot < 0 ? "" : section.substring(0, dot);
        } while (!section.isEmpty() && !isSection(section));
        String where = section.isEmpty() ? "known top-level keys" : "known keys under " + section;
        return "(" + where + ": " + String.join(", ", childrenOf(section)) + ")";
    }

    /** A map setting ({@code handlers}, {@code workers.env}): overridden one entry at a time. */
    boolean isMap() {
        return type == TEXT_MAP || type == JSON_MAP;
    }

    /**
     * The environment variable names for this key: camelCase split ({@code OFFLOAD_WORKERS_IDLE_TIMEOUT})
     * first, then unsplit ({@code OFFLOAD_WORKERS_IDLETIMEOUT}) when that differs.
     */
    List<String> environmentNames() {
        String split = "OFFLOAD_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
        String unsplit = "OFFLOAD_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
        return split.equals(unsplit) ? List.of(split) : List.of(split, unsplit);
    }

    void set(PoolConfigBuilder builder, JsonNode node) {
        setter.accept(builder, type.fromNode(node, key));
    }

    void set(PoolConfigBuilder builder, String text) {
        setter.accept(builder, type.fromText(text, key));
    }

    /** The value as it would be written in a file, or null when unset (e.g. no class path). */
    Object plainValue(PoolConfig config) {
        T value = getter.apply(config);
        return value == null ? null : type.toPlain(value);
    }
}
