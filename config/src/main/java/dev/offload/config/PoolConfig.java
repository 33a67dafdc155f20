package dev.offload.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a worker pool; immutable. Each value has a key in the config file (named in each
 * accessor's doc) and is layered, later winning: defaults, then the file, then {@code -Doffload.<key>}
 * system properties, then {@code OFFLOAD_<KEY>} environment variables (see {@link #load(Path)}).
 * Invalid values fail with a {@link ConfigException} naming the key; nothing is silently clamped.
 */
public final class PoolConfig {

    /**
     * {@code OFFLOAD_*} environment variables that belong to other parts of Offload (the worker
     * handshake, the launcher script) and are therefore not config overrides: loading ignores them, and
     * {@code workers.env} may not set them.
     */
    public static final List<String> RESERVED_ENVIRONMENT_VARIABLES = List.of(
            "OFFLOAD_CHANNEL", "OFFLOAD_TOKEN", "OFFLOAD_WORKER_ID", "OFFLOAD_HOME", "OFFLOAD_OPTS",
            "OFFLOAD_JAVA", "OFFLOAD_PARENT_PID");

    private static final YAMLMapper YAML_WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    private final int minWorkers;
    private final int maxWorkers;
    private final Duration idleTimeout;
    private final int maxJobsPerWorker;
    private final Duration startTimeout;
    private final String workerHeap;
    private final long workerHeapBytes;
    private final List<String> workerJvmArgs;
    private final Map<String, String> workerEnv;
    private final String workerClassPath;
    private final int workerNice;
    private final boolean workerCds;
    private final Duration heartbeatInterval;
    private final Duration heartbeatTimeout;
    private final int queueCapacity;
    private final Duration jobTimeout;
    private final int maxAttempts;
    private final Duration cancelGrace;
    private final String completion;
    private final String transport;
    private final long maxFrameBytes;
    private final Path shmDir;
    private final Duration shmSpin;
    private final String shmStartOverPipe;
    private final String clusterName;
    private final String clusterBind;
    private final InetSocketAddress clusterBindAddress;
    private final List<String> clusterMembers;
    private final Duration clusterHeartbeatTimeout;
    private final Path journalDir;
    private final String journalFlush;
    private final Duration journalResultTtl;
    private final Map<String, String> handlers;
    private final Map<String, String> warmup;

    PoolConfig(PoolConfigBuilder b, long heapBytes, InetSocketAddress bindAddress) {
        minWorkers = b.minWorkers;
        maxWorkers = b.maxWorkers;
        idleTimeout = b.idleTimeout;
        maxJobsPerWorker = b.maxJobsPerWorker;
        startTimeout = b.startTimeout;
        workerHeapBytes = heapBytes;
        workerHeap = Units.formatSize(heapBytes);
        workerJvmArgs = List.copyOf(b.workerJvmArgs);
        workerEnv = Maps.orderedCopy(b.workerEnv);
        workerClassPath = b.workerClassPath;
        workerNice = b.workerNice;
        workerCds = b.workerCds;
        heartbeatInterval = b.heartbeatInterval;
        heartbeatTimeout = b.heartbeatTimeout;
        queueCapacity = b.queueCapacity;
        jobTimeout = b.jobTimeout;
        maxAttempts = b.maxAttempts;
        cancelGrace = b.cancelGrace;
        completion = b.completion;
        transport = b.transport;
        maxFrameBytes = b.maxFrameBytes;
        shmDir = b.shmDir;
        shmSpin = b.shmSpin;
        shmStartOverPipe = b.shmStartOverPipe;
        clusterName = b.clusterName;
        clusterBindAddress = bindAddress;
        clusterBind = HostPort.format(bindAddress);
        clusterMembers = b.clusterMembers.stream().map(String::strip).toList();
        clusterHeartbeatTimeout = b.clusterHeartbeatTimeout;
        journalDir = b.journalDir;
        journalFlush = b.journalFlush;
        journalResultTtl = b.journalResultTtl;
        handlers = Maps.orderedCopy(b.handlers);
        warmup = Maps.orderedCopy(b.warmup);
    }

    /** Every value at its default. */
    public static PoolConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static PoolConfigBuilder builder() {
        return new PoolConfigBuilder();
    }

    /** A builder holding this config's values. */
    public PoolConfigBuilder toBuilder() {
        return new PoolConfigBuilder(this);
    }

    /**
     * Reads a YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}) file, other names by content,
     * then applies this JVM's {@code -Doffload.<key>} system properties and {@code OFFLOAD_<KEY>}
     * environment variables. An empty file means defaults.
     *
     * <p>Overrides use the file's keys: {@code -Doffload.workers.max=8}, {@code OFFLOAD_WORKERS_MAX=8}
     * (camelCase split or not: {@code OFFLOAD_WORKERS_IDLE_TIMEOUT}, {@code OFFLOAD_WORKERS_IDLETIMEOUT}).
     * A list is comma-separated ({@code -Doffload.workers.jvmArgs=-Xss1m,-XX:+UseSerialGC}) and replaces
     * the file's; a map is overridden one entry at a time ({@code -Doffload.handlers.fib=com.x.Fib},
     * {@code OFFLOAD_HANDLERS_FIB} with the name lower-cased; {@code OFFLOAD_WORKERS_ENV_TZ=UTC}).
     * {@link #RESERVED_ENVIRONMENT_VARIABLES} are not overrides. Values are validated once, after all
     * layers, so a value a later layer replaces is only checked for its type.
     *
     * @throws ConfigException if the file cannot be read or parsed, holds an unknown key or an invalid
     *                         value, or an {@code offload.*} property or {@code OFFLOAD_*} variable is unknown
     *                         or invalid
     */
    public static PoolConfig load(Path file) {
        return load(file, ConfigLoader.systemProperties(), System.getenv());
    }

    /** {@link #load(Path)} with the given system properties and environment instead of this JVM's. */
    public static PoolConfig load(Path file, Map<String, String> systemProperties, Map<String, String> environment) {
        return ConfigLoader.load(Objects.requireNonNull(file, "file"), systemProperties, environment);
    }

    /** Defaults with this JVM's system properties and environment applied, as {@link #load(Path)} but with no file. */
    public static PoolConfig fromEnvironment() {
        return fromEnvironment(ConfigLoader.systemProperties(), System.getenv());
    }

    /** {@link #fromEnvironment()} with the given system properties and environment. */
    public static PoolConfig fromEnvironment(Map<String, String> systemProperties, Map<String, String> environment) {
        return ConfigLoader.load(null, systemProperties, environment);
    }

    /** {@code workers.min}: workers forked at start and kept while idle. */
    public int minWorkers() {
        return minWorkers;
    }

    /** {@code workers.max}: the most workers alive at once. */
    public int maxWorkers() {
        return maxWorkers;
    }

    /** {@code workers.idleTimeout}: a worker above {@code workers.min} idle this long stops. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** {@code workers.maxJobs}: jobs a worker runs before it is replaced; 0 means unlimited. */
    public int maxJobsPerWorker() {
        return maxJobsPerWorker;
    }

    /** {@code workers.startTimeout}: how long a forked worker has to say hello. */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** {@code workers.heap} as normalised text for {@code -Xmx} (e.g. {@code 256m}); {@code 0} means the JVM default. */
    public String workerHeap() {
        return workerHeap;
    }

    /** {@code workers.heap} in bytes; 0 means the JVM default (pass no {@code -Xmx}). */
    public long workerHeapBytes() {
        return workerHeapBytes;
    }

    /** {@code workers.jvmArgs}, unmodifiable. */
    public List<String> workerJvmArgs() {
        return workerJvmArgs;
    }

    /** {@code workers.env}: added to each worker's environment; unmodifiable, in insertion order. */
    public Map<String, String> workerEnv() {
        return workerEnv;
    }

    /** {@code workers.classPath}; empty means the parent's class path. */
    public Optional<String> workerClassPath() {
        return Optional.ofNullable(workerClassPath);
    }

    /**
     * {@code workers.nice}: the niceness (0–19) worker JVMs run at, below the caller's, so that an
     * event loop stays responsive while every core computes; 0 runs them at the caller's priority.
     */
    public int workerNice() {
        return workerNice;
    }

    /**
     * {@code workers.cds}: whether workers start from an AppCDS archive of their classes (default
     * true). The archive is made once per class path, JDK and worker JVM arguments, in the user's cache
     * directory, and only for a class path of jars: a worker whose archive is missing, stale or
     * unreadable starts without it.
     */
    public boolean workerCds() {
        return workerCds;
    }

    /** {@code workers.heartbeatInterval}. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** {@code workers.heartbeatTimeout}: a worker silent this long is killed. */
    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    /** {@code queue.capacity}: jobs waiting for a worker before submissions are rejected. */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** {@code jobs.timeout}: default time limit of a job; zero means none. */
    public Duration jobTimeout() {
        return jobTimeout;
    }

    /** {@code jobs.maxAttempts}: runs of a job whose worker dies, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@code jobs.cancelGrace}: how long a cancelled job may stop by itself before its worker is killed. */
    public Duration cancelGrace() {
        return cancelGrace;
    }

    /** {@code jobs.completion}: {@code "executor"} or {@code "direct"} (on the transport's reader thread). */
    public String completion() {
        return completion;
    }

    /** {@code transport.kind}: {@code "auto"}, {@code "shm"} or {@code "pipe"}. */
    public String transport() {
        return transport;
    }

    /** {@code transport.maxFrameBytes}. */
    public long maxFrameBytes() {
        return maxFrameBytes;
    }

    /** {@code transport.shm.dir}. */
    public Path shmDir() {
        return shmDir;
    }

    /** {@code transport.shm.spin}: how long a reader spins before it sleeps. */
    public Duration shmSpin() {
        return shmSpin;
    }

    /**
     * {@code transport.shm.startOverPipe}: {@code "auto"}, {@code "always"} or {@code "never"}; see
     * {@link PoolConfigBuilder#shmStartOverPipe}.
     */
    public String shmStartOverPipe() {
        return shmStartOverPipe;
    }

    /** {@code cluster.name}: members with another name never join. */
    public String clusterName() {
        return clusterName;
    }

    /** {@code cluster.bind}: the {@code host:port} this host's cluster member listens on, as written. */
    public String clusterBind() {
        return clusterBind;
    }

    /** {@code cluster.bind} split into host and port; unresolved (the host is kept as written). */
    public InetSocketAddress clusterBindAddress() {
        return clusterBindAddress;
    }

    /** {@code cluster.members}: {@code host:port} of each member, unmodifiable; empty means no cluster. */
    public List<String> clusterMembers() {
        return clusterMembers;
    }

    /** {@code cluster.heartbeatTimeout}: how soon a silent host counts as dead. */
    public Duration clusterHeartbeatTimeout() {
        return clusterHeartbeatTimeout;
    }

    /** {@code journal.dir}: where {@code offload serve} journals asynchronous jobs; empty when they live in memory only. */
    public Optional<Path> journalDir() {
        return Optional.ofNullable(journalDir);
    }

    /** {@code journal.flush}: {@code os} (the kernel writes the journal out) or {@code sync} (forced before each answer). */
    public String journalFlush() {
        return journalFlush;
    }

    /** {@code journal.resultTtl}: how long a finished asynchronous job stays readable. */
    public Duration journalResultTtl() {
        return journalResultTtl;
    }

    /** {@code handlers}: name to fully qualified class name; unmodifiable, in file order. */
    public Map<String, String> handlers() {
        return handlers;
    }

    /**
     * {@code warmup}: handler name to a sample input, as JSON text, that {@code offload serve --warmup}
     * sends to that handler while it warms up; unmodifiable, in file order. Only handlers that may
     * run on made-up input belong here (no side effects): the others are never run by a warm-up.
     * Read by {@code offload serve} only; a {@code WorkerPool} of your own ignores it.
     */
    public Map<String, String> warmup() {
        return warmup;
    }

    /**
     * The effective config as nested maps with file keys, values written as in a file ({@code "60s"},
     * {@code "256m"}, {@code "20us"}); an unset class path is left out. A new map on each call.
     */
    public Map<String, Object> toMap() {
        var root = new LinkedHashMap<String, Object>();
        for (Setting<?> setting : Setting.ALL) {
            Object value = setting.plainValue(this);
            if (value != null) {
                Maps.putPath(root, setting.key, value);
            }
        }
        return root;
    }

    /** The effective config as YAML that {@link #load(Path)} reads back to an equal config. */
    public String toYaml() {
        try {
            return YAML_WRITER.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolConfig c
                && minWorkers == c.minWorkers && maxWorkers == c.maxWorkers && idleTimeout.equals(c.idleTimeout)
                && maxJobsPerWorker == c.maxJobsPerWorker && startTimeout.equals(c.startTimeout)
                && workerHeapBytes == c.workerHeapBytes && workerJvmArgs.equals(c.workerJvmArgs)
                && workerEnv.equals(c.workerEnv) && Objects.equals(workerClassPath, c.workerClassPath)
                && workerNice == c.workerNice && workerCds == c.workerCds
                && heartbeatInterval.equals(c.heartbeatInterval) && heartbeatTimeout.equals(c.heartbeatTimeout)
                && queueCapacity == c.queueCapacity && jobTimeout.equals(c.jobTimeout) && maxAttempts == c.maxAttempts
                && cancelGrace.equals(c.cancelGrace) && completion.equals(c.completion)
                && transport.equals(c.transport) && maxFrameBytes == c.maxFrameBytes && shmDir.equals(c.shmDir)
                && shmSpin.equals(c.shmSpin) && shmStartOverPipe.equals(c.shmStartOverPipe) && clusterName.equals(c.clusterName) && clusterBind.equals(c.clusterBind)
                && clusterMembers.equals(c.clusterMembers) && clusterHeartbeatTimeout.equals(c.clusterHeartbeatTimeout)
                && Objects.equals(journalDir, c.journalDir) && journalFlush.equals(c.journalFlush)
                && journalResultTtl.equals(c.journalResultTtl) && handlers.equals(c.handlers)
                && warmup.equals(c.warmup);
    }

    @Override
    public int hashCode() {
        return Objects.hash(minWorkers, maxWorkers, idleTimeout, maxJobsPerWorker, startTimeout, workerHeapBytes,
                workerJvmArgs, workerEnv, workerClassPath, workerNice, workerCds, heartbeatInterval, heartbeatTimeout,
                queueCapacity, jobTimeout, maxAttempts, cancelGrace, completion, transport, maxFrameBytes, shmDir, shmSpin,
                shmStartOverPipe, clusterName, clusterBind, clusterMembers, clusterHeartbeatTimeout, journalDir, journalFlush, journalResultTtl,
                handlers, warmup);
    }

    @Override
    public String toString() {
        return "PoolConfig" + toMap();
    }
}
