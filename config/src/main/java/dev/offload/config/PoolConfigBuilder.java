package dev.offload.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link PoolConfig}. Setters only record; {@link #build()} checks every value once, with
 * the same rules and messages as a config file, and throws {@link ConfigException} naming the file
 * key (e.g. {@code workers.max}). Nothing is clamped. Not thread-safe.
 */
public final class PoolConfigBuilder {

    // Package-private so PoolConfig's constructor can copy them; written only through the setters.
    int minWorkers = 1;
    int maxWorkers = Runtime.getRuntime().availableProcessors();
    Duration idleTimeout = Duration.ofSeconds(60);
    int maxJobsPerWorker = 0;
    Duration startTimeout = Duration.ofSeconds(15);
    String workerHeap = "256m";
    List<String> workerJvmArgs = new ArrayList<>();
    Map<String, String> workerEnv = new LinkedHashMap<>();
    String workerClassPath;
    int workerNice = 10;
    boolean workerCds = true;
    Duration heartbeatInterval = Duration.ofMillis(500);
    Duration heartbeatTimeout = Duration.ofSeconds(10);
    int queueCapacity = 10_000;
    Duration jobTimeout = Duration.ZERO;
    int maxAttempts = 2;
    Duration cancelGrace = Duration.ofMillis(200);
    String completion = "direct";
    String transport = "auto";
    long maxFrameBytes = 16L << 20;
    Path shmDir = Path.of("/dev/shm");
    Duration shmSpin = Duration.ofNanos(100_000);
    String shmStartOverPipe = "auto";
    String clusterName = "offload";
    String clusterBind = "127.0.0.1:5701";
    List<String> clusterMembers = new ArrayList<>();
    Duration clusterHeartbeatTimeout = Duration.ofSeconds(5);
    Path journalDir;
    String journalFlush = "os";
    Duration journalResultTtl = Duration.ofHours(1);
    Map<String, String> handlers = new LinkedHashMap<>();
    Map<String, String> warmup = new LinkedHashMap<>();

    PoolConfigBuilder() {
    }

    PoolConfigBuilder(PoolConfig c) {
        minWorkers = c.minWorkers();
        maxWorkers = c.maxWorkers();
        idleTimeout = c.idleTimeout();
        maxJobsPerWorker = c.maxJobsPerWorker();
        startTimeout = c.startTimeout();
        workerHeap = c.workerHeap();
        workerJvmArgs = new ArrayList<>(c.workerJvmArgs());
        workerEnv = new LinkedHashMap<>(c.workerEnv());
        workerClassPath = c.workerClassPath().orElse(null);
        workerNice = c.workerNice();
        workerCds = c.workerCds();
        heartbeatInterval = c.heartbeatInterval();
        heartbeatTimeout = c.heartbeatTimeout();
        queueCapacity = c.queueCapacity();
        jobTimeout = c.jobTimeout();
        maxAttempts = c.maxAttempts();
        cancelGrace = c.cancelGrace();
        completion = c.completion();
        transport = c.transport();
        maxFrameBytes = c.maxFrameBytes();
        shmDir = c.shmDir();
        shmSpin = c.shmSpin();
        shmStartOverPipe = c.shmStartOverPipe();
        clusterName = c.clusterName();
        clusterBind = c.clusterBind();
        clusterMembers = new ArrayList<>(c.clusterMembers());
        clusterHeartbeatTimeout = c.clusterHeartbeatTimeout();
        journalDir = c.journalDir().orElse(null);
        journalFlush = c.journalFlush();
        journalResultTtl = c.journalResultTtl();
        handlers = new LinkedHashMap<>(c.handlers());
        warmup = new LinkedHashMap<>(c.warmup());
    }

    /** {@code workers.min}: workers forked at start and kept while idle; {@code >= 0}. */
    public PoolConfigBuilder minWorkers(int minWorkers) {
        this.minWorkers = minWorkers;
        return this;
    }

    /** {@code workers.max}: {@code >= 1} and {@code >= workers.min}; default: available processors. */
    public PoolConfigBuilder maxWorkers(int maxWorkers) {
        this.maxWorkers = maxWorkers;
        return this;
    }

    /** {@code workers.idleTimeout}: an extra worker idle this long stops; {@code >= 0}. */
    public PoolConfigBuilder idleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
        return this;
    }

    /** {@code workers.maxJobs}: a worker is recycled after this many jobs; 0 means never. */
    public PoolConfigBuilder maxJobsPerWorker(int maxJobsPerWorker) {
        this.maxJobsPerWorker = maxJobsPerWorker;
        return this;
    }

    /** {@code workers.startTimeout}: how long a forked worker has to say hello; {@code > 0}. */
    public PoolConfigBuilder startTimeout(Duration startTimeout) {
        this.startTimeout = startTimeout;
        return this;
    }

    /** {@code workers.heap}: the worker's {@code -Xmx} as a size ({@code 256m}); {@code 0} leaves the JVM default. */
    public PoolConfigBuilder workerHeap(String workerHeap) {
        this.workerHeap = workerHeap;
        return this;
    }

    /** {@code workers.jvmArgs}: extra JVM arguments for every worker, in order. */
    public PoolConfigBuilder workerJvmArgs(List<String> workerJvmArgs) {
        this.workerJvmArgs = workerJvmArgs == null ? null : new ArrayList<>(workerJvmArgs);
        return this;
    }

    /** {@code workers.env}: variables added to every worker's environment (replaces earlier entries). */
    public PoolConfigBuilder workerEnv(Map<String, String> workerEnv) {
        this.workerEnv = workerEnv == null ? null : new LinkedHashMap<>(workerEnv);
        return this;
    }

    PoolConfigBuilder workerEnv(String name, String value) {
        if (workerEnv == null) {
            workerEnv = new LinkedHashMap<>();
        }
        workerEnv.put(name, value);
        return this;
    }

    /** {@code workers.classPath}: the workers' class path; null (the default) uses the parent's. */
    public PoolConfigBuilder workerClassPath(String workerClassPath) {
        this.workerClassPath = workerClassPath;
        return this;
    }

    /**
     * {@code workers.nice}: the scheduling niceness workers run at, 0 (the caller's) to 19 (lowest).
     * Above 0, a core busy with jobs still gives way at once to the caller's event loop.
     */
    public PoolConfigBuilder workerNice(int workerNice) {
        this.workerNice = workerNice;
        return this;
    }

    /**
     * {@code workers.cds}: start workers from an AppCDS archive of their classes, made once per class
     * path and JDK and kept in the user's cache directory; {@code false} starts every worker without.
     */
    public PoolConfigBuilder workerCds(boolean workerCds) {
        this.workerCds = workerCds;
        return this;
    }

    /** {@code workers.heartbeatInterval}: how often a worker proves it is alive; {@code > 0}. */
    public PoolConfigBuilder heartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
        return this;
    }

    /** {@code workers.heartbeatTimeout}: a worker silent this long is killed; {@code > heartbeatInterval}. */
    public PoolConfigBuilder heartbeatTimeout(Duration heartbeatTimeout) {
        this.heartbeatTimeout = heartbeatTimeout;
        return this;
    }

    /** {@code queue.capacity}: jobs waiting for a worker before {@code submit} is rejected; {@code >= 1}. */
    public PoolConfigBuilder queueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
        return this;
    }

    /** {@code jobs.timeout}: default time limit of a job; zero means none. */
    public PoolConfigBuilder jobTimeout(Duration jobTimeout) {
        this.jobTimeout = jobTimeout;
        return this;
    }

    /** {@code jobs.maxAttempts}: runs of a job whose worker died, first run included; {@code >= 1}. */
    public PoolConfigBuilder maxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
        return this;
    }

    /** {@code jobs.cancelGrace}: how long a cancelled job may stop by itself before its worker is killed. */
    public PoolConfigBuilder cancelGrace(Duration cancelGrace) {
        this.cancelGrace = cancelGrace;
        return this;
    }

    /**
     * {@code jobs.completion}: where job futures complete: {@code "executor"} (a callback executor,
     * safe against slow callbacks) or {@code "direct"} (the transport's reader thread, fastest).
     */
    public PoolConfigBuilder completion(String completion) {
        this.completion = completion;
        return this;
    }

    /** {@code transport.kind}: {@code "auto"} (shm, falling back to pipe), {@code "shm"} or {@code "pipe"}. */
    public PoolConfigBuilder transport(String transport) {
        this.transport = transport;
        return this;
    }

    /** {@code transport.maxFrameBytes}: the largest frame either side accepts; 1k to 1g. */
    public PoolConfigBuilder maxFrameBytes(long maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        return this;
    }

    /** {@code transport.shm.dir}: where the shared-memory queues live (a tmpfs). */
    public PoolConfigBuilder shmDir(Path shmDir) {
        this.shmDir = shmDir;
        return this;
    }

    /** {@code transport.shm.spin}: how long a reader spins before it sleeps; 0 to 10ms. */
    public PoolConfigBuilder shmSpin(Duration shmSpin) {
        this.shmSpin = shmSpin;
        return this;
    }

    /**
     * {@code transport.shm.startOverPipe}: how a shm pool's first workers start. {@code "auto"}
     * (default): over pipes when this JVM has not used shared memory yet, so that {@code start}
     * returns without waiting for Chronicle Queue to load here, and each is replaced by a shm worker
     * within about a second; {@code "always"}: so at every pool start; {@code "never"}: the first
     * workers start over shm, and {@code start} waits for Chronicle.
     */
    public PoolConfigBuilder shmStartOverPipe(String shmStartOverPipe) {
        this.shmStartOverPipe = shmStartOverPipe;
        return this;
    }

    /** {@code cluster.name}: members with another name never join this cluster; {@code [A-Za-z0-9_.-]+}. */
    public PoolConfigBuilder clusterName(String clusterName) {
        this.clusterName = clusterName;
        return this;
    }

    /**
     * {@code cluster.bind}: the {@code host:port} this host's cluster member listens on ({@code [::1]:5701}
     * for IPv6); default {@code 127.0.0.1:5701}, so that nothing is reachable from other machines by accident.
     */
    public PoolConfigBuilder clusterBind(String clusterBind) {
        this.clusterBind = clusterBind;
        return this;
    }

    /** {@code cluster.members}: {@code host:port} of the cluster's members; empty (the default) means no cluster. */
    public PoolConfigBuilder clusterMembers(List<String> clusterMembers) {
        this.clusterMembers = clusterMembers == null ? null : new ArrayList<>(clusterMembers);
        return this;
    }

    /** {@code cluster.heartbeatTimeout}: a host silent this long counts as dead; whole seconds, 2s to 1h. */
    public PoolConfigBuilder clusterHeartbeatTimeout(Duration clusterHeartbeatTimeout) {
        this.clusterHeartbeatTimeout = clusterHeartbeatTimeout;
        return this;
    }

    /**
     * {@code journal.dir}: where {@code offload serve} journals the jobs it accepts asynchronously, so
     * that they survive a crash; null (the default) keeps them in memory only.
     */
    public PoolConfigBuilder journalDir(Path journalDir) {
        this.journalDir = journalDir;
        return this;
    }

    /**
     * {@code journal.flush}: {@code os} (the default) leaves writing the journal's pages to disk to the
     * kernel, which survives a crash of the process but not a power cut; {@code sync} forces every
     * batch of records to disk before its jobs are answered.
     */
    public PoolConfigBuilder journalFlush(String journalFlush) {
        this.journalFlush = journalFlush;
        return this;
    }

    /** {@code journal.resultTtl}: how long a finished asynchronous job's result stays readable; {@code > 0}. */
    public PoolConfigBuilder journalResultTtl(Duration journalResultTtl) {
        this.journalResultTtl = journalResultTtl;
        return this;
    }

    /** {@code handlers}: handler name to fully qualified class name (replaces earlier entries). */
    public PoolConfigBuilder handlers(Map<String, String> handlers) {
        this.handlers = handlers == null ? null : new LinkedHashMap<>(handlers);
        return this;
    }

    /** Adds or replaces one entry of {@code handlers}. */
    public PoolConfigBuilder handler(String name, String className) {
        if (handlers == null) {
            handlers = new LinkedHashMap<>();
        }
        handlers.put(name, className);
        return this;
    }

    /** {@code warmup}: handler name to a sample input as JSON text (replaces earlier entries). */
    public PoolConfigBuilder warmup(Map<String, String> warmup) {
        this.warmup = warmup == null ? null : new LinkedHashMap<>(warmup);
        return this;
    }

    /** Adds or replaces one entry of {@code warmup}: {@code json}, the handler's sample input as JSON text. */
    public PoolConfigBuilder warmupInput(String name, String json) {
        if (warmup == null) {
            warmup = new LinkedHashMap<>();
        }
        warmup.put(name, json);
        return this;
    }

    /**
     * Checks every value and returns the immutable config.
     *
     * @throws ConfigException naming the first invalid key, its value and what is allowed
     */
    public PoolConfig build() {
        long heapBytes = Validation.check(this);
        return new PoolConfig(this, heapBytes, HostPort.parse(clusterBind, "cluster.bind"));
    }
}
