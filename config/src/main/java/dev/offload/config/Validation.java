package dev.offload.config;

import static dev.offload.config.Units.formatDuration;
import static dev.offload.config.Units.formatSize;
import static dev.offload.config.Units.quote;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules a {@link PoolConfigBuilder} is checked against, once, in {@code build()}. */
final class Validation {

    static final List<String> TRANSPORTS = List.of("auto", "shm", "pipe");
    static final List<String> SHM_START_OVER_PIPE = List.of("auto", "always", "never");
    static final List<String> COMPLETIONS = List.of("executor", "direct");
    static final List<String> JOURNAL_FLUSHES = List.of("os", "sync");

    private static final Pattern HANDLER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern CLASS_NAME =
            Pattern.compile("(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*\\.)*"
                    + "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*");
    private static final long MIN_HEAP = 2L << 20;
    private static final long MIN_FRAME = 1L << 10;
    private static final long MAX_FRAME = 1L << 30;
    private static final Duration MAX_SPIN = Duration.ofMillis(10);
    private static final int MAX_NICE = 19;
    private static final Duration MIN_CLUSTER_HEARTBEAT = Duration.ofSeconds(2);
    private static final Duration MAX_CLUSTER_HEARTBEAT = Duration.ofHours(1);

    private Validation() {
    }

    /** Throws {@link ConfigException} for the first invalid value; returns the worker heap in bytes. */
    static long check(PoolConfigBuilder b) {
        atLeast("workers.min", b.minWorkers, 0, "");
        if (b.maxWorkers < 0 || (b.maxWorkers < 1 && b.maxWorkers >= b.minWorkers)) {
            atLeast("workers.max", b.maxWorkers, 1, "");
        }
        if (b.maxWorkers < b.minWorkers) {
            throw ConfigException.ofKeys(List.of("workers.max", "workers.min"), String.valueOf(b.maxWorkers),
                    "workers.max must be >= workers.min (got " + b.maxWorkers + " < " + b.minWorkers + ")");
        }
        notNegative("workers.idleTimeout", b.idleTimeout);
        atLeast("workers.maxJobs", b.maxJobsPerWorker, 0, " (0 = unlimited)");
        positive("workers.startTimeout", b.startTimeout);
        long heapBytes = heap(b.workerHeap);
        strings("workers.jvmArgs", b.workerJvmArgs);
        environment(b.workerEnv);
        if (b.workerClassPath != null && b.workerClassPath.isBlank()) {
            throw new ConfigException("workers.classPath", b.workerClassPath,
                    "workers.classPath must not be blank (leave it unset to use the parent's class path)");
        }
        if (b.workerNice < 0 || b.workerNice > MAX_NICE) {
            throw new ConfigException("workers.nice", String.valueOf(b.workerNice), "workers.nice must be between 0 and "
                    + MAX_NICE + " (got " + b.workerNice + "; a negative niceness needs privileges a pool does not take)");
        }
        positive("workers.heartbeatInterval", b.heartbeatInterval);
        positive("workers.heartbeatTimeout", b.heartbeatTimeout);
        if (b.heartbeatTimeout.compareTo(b.heartbeatInterval) <= 0) {
            throw ConfigException.ofKeys(List.of("workers.heartbeatTimeout", "workers.heartbeatInterval"),
                    formatDuration(b.heartbeatTimeout),
                    "workers.heartbeatTimeout must be > workers.heartbeatInterval (got "
                            + formatDuration(b.heartbeatTimeout) + " <= " + formatDuration(b.heartbeatInterval) + ")");
        }
        atLeast("queue.capacity", b.queueCapacity, 1, "");
        notNegative("jobs.timeout", b.jobTimeout);
        atLeast("jobs.maxAttempts", b.maxAttempts, 1, "");
        notNegative("jobs.cancelGrace", b.cancelGrace);
        oneOf("jobs.completion", b.completion, COMPLETIONS);
        oneOf("transport.kind", b.transport, TRANSPORTS);
        if (b.maxFrameBytes < MIN_FRAME || b.maxFrameBytes > MAX_FRAME) {
            throw new ConfigException("transport.maxFrameBytes", formatSize(b.maxFrameBytes),
                    "transport.maxFrameBytes must be between 1k and 1g (got " + formatSize(b.maxFrameBytes) + ")");
        }
        notNull("transport.shm.dir", b.shmDir);
        if (b.shmDir.toString().isEmpty()) {
            throw new ConfigException("transport.shm.dir", "", "transport.shm.dir must not be empty");
        }
        oneOf("transport.shm.startOverPipe", b.shmStartOverPipe, SHM_START_OVER_PIPE);
        notNegative("transport.shm.spin", b.shmSpin);
        if (b.shmSpin.compareTo(MAX_SPIN) > 0) {
            throw new ConfigException("transport.shm.spin", formatDuration(b.shmSpin),
                    "transport.shm.spin must be between 0 and 10ms (got " + formatDuration(b.shmSpin) + ")");
        }
        cluster(b);
        if (b.journalDir != null && b.journalDir.toString().isEmpty()) {
            throw new ConfigException("journal.dir", "", "journal.dir must not be empty (leave it unset to keep no journal)");
        }
        oneOf("journal.flush", b.journalFlush, JOURNAL_FLUSHES);
        positive("journal.resultTtl", b.journalResultTtl);
        handlers(b.handlers);
        warmup(b.warmup, b.handlers);
        return heapBytes;
    }

    private static void atLeast(String key, int value, int min, String note) {
        if (value < min) {
            throw new ConfigException(key, String.valueOf(value),
                    key + " must be >= " + min + note + " (got " + value + ")");
        }
    }

    private static void notNull(String key, Object value) {
        if (value == null) {
            throw new ConfigException(key, null, key + " must not be null");
        }
    }

    private static void notNegative(String key, Duration d) {
        fitsInNanos(key, d);
        if (d.isNegative()) {
            throw new ConfigException(key, formatDuration(d), key + " must be >= 0 (got " + formatDuration(d) + ")");
        }
    }

    private static void positive(String key, Duration d) {
        fitsInNanos(key, d);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, formatDuration(d), key + " must be > 0 (got " + formatDuration(d) + ")");
        }
    }

    // Everything downstream counts in nanoseconds; ~292 years is the most a long holds.
    private static void fitsInNanos(String key, Duration d) {
        notNull(key, d);
        try {
            d.toNanos();
        } catch (ArithmeticException e) {
            throw new ConfigException(key, d.toString(), key + " is too large (got " + d + ", max ~292 years)");
        }
    }

    private static void oneOf(String key, String value, List<String> allowed) {
        if (value == null || !allowed.contains(value)) {
            String got = value == null ? "no value" : "unknown value " + quote(value);
            throw new ConfigException(key, value, key + ": " + got + " (allowed: " + String.join(", ", allowed) + ")");
        }
    }

    private static long heap(String text) {
        notNull("workers.heap", text);
        long bytes = Units.parseSize(text, "workers.heap");
        if (bytes != 0 && bytes < MIN_HEAP) {
            throw new ConfigException("workers.heap", text,
                    "workers.heap must be 0 (the JVM's default) or at least 2m (got " + text.strip() + ")");
        }
        return bytes;
    }

    private static void strings(String key, List<String> items) {
        notNull(key, items);
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            if (item == null || item.isBlank() || item.indexOf('\0') >= 0) {
                throw new ConfigException(key, item, key + "[" + i + "] must be a non-blank string without NUL (got "
                        + (item == null ? "null" : quote(item)) + ")");
            }
        }
    }

    private static void environment(Map<String, String> env) {
        notNull("workers.env", env);
        for (var e : env.entrySet()) {
            String name = e.getKey();
            String key = "workers.env." + name;
            if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new ConfigException(key, name, "workers.env: " + (name == null ? "null" : quote(name))
                        + " is not a valid environment variable name (non-empty, no '=' or NUL)");
            }
            if (PoolConfig.RESERVED_ENVIRONMENT_VARIABLES.contains(name)) {
                throw new ConfigException(key, e.getValue(), key + " is reserved for Offload itself (reserved: "
                        + String.join(", ", PoolConfig.RESERVED_ENVIRONMENT_VARIABLES) + ")");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw new ConfigException(key, e.getValue(), key + " must be a string without NUL (got "
                        + (e.getValue() == null ? "null" : quote(e.getValue())) + ")");
            }
        }
    }

    private static void cluster(PoolConfigBuilder b) {
        notNull("cluster.name", b.clusterName);
        if (!HANDLER_NAME.matcher(b.clusterName).matches()) {
            throw new ConfigException("cluster.name", b.clusterName, "cluster.name must match [A-Za-z0-9_.-]+ (got "
                    + quote(b.clusterName) + ")");
        }
        HostPort.parse(b.clusterBind, "cluster.bind");
        notNull("cluster.members", b.clusterMembers);
        var seen = new HashSet<String>();
        for (int i = 0; i < b.clusterMembers.size(); i++) {
            String member = b.clusterMembers.get(i);
            String address = HostPort.format(HostPort.parse(member, "cluster.members[" + i + "]"));
            if (!seen.add(address)) {
                throw new ConfigException("cluster.members", member, "cluster.members lists " + address
                        + " twice; list each member once");
            }
        }
        // Hazelcast counts missed heartbeats in whole seconds, sent every second: rounding a value
        // here would silently change what was asked for.
        Duration timeout = b.clusterHeartbeatTimeout;
        positive("cluster.heartbeatTimeout", timeout);
        if (timeout.getNano() != 0 || timeout.compareTo(MIN_CLUSTER_HEARTBEAT) < 0
                || timeout.compareTo(MAX_CLUSTER_HEARTBEAT) > 0) {
            throw new ConfigException("cluster.heartbeatTimeout", formatDuration(timeout),
                    "cluster.heartbeatTimeout must be a whole number of seconds from 2s to 1h (got "
                            + formatDuration(timeout) + ")");
        }
    }

    private static void warmup(Map<String, String> warmup, Map<String, String> handlers) {
        notNull("warmup", warmup);
        for (var e : warmup.entrySet()) {
            String name = e.getKey();
            if (!handlers.containsKey(name)) {
                throw new ConfigException("warmup." + name, e.getValue(), "warmup." + name + ": no handler is named "
                        + quote(String.valueOf(name)) + (handlers.isEmpty() ? " (no handlers are configured)"
                        : " (handlers: " + String.join(", ", handlers.keySet()) + ")"));
            }
            JsonText.check("warmup." + name, e.getValue());
        }
    }

    private static void handlers(Map<String, String> handlers) {
        notNull("handlers", handlers);
        for (var e : handlers.entrySet()) {
            String name = e.getKey();
            if (name == null || !HANDLER_NAME.matcher(name).matches()) {
                throw new ConfigException("handlers." + name, name, "handlers: name " + (name == null ? "null" : quote(name))
                        + " must match [A-Za-z0-9_.-]+");
            }
            String cls = e.getValue();
            if (cls == null || !CLASS_NAME.matcher(cls).matches()) {
                throw new ConfigException("handlers." + name, cls, "handlers." + name + ": "
                        + (cls == null ? "null" : quote(cls))
                        + " is not a fully qualified Java class name (e.g. com.example.Fibonacci)");
            }
        }
    }
}
