package dev.offload.cluster;

import dev.offload.config.PoolConfig;
import dev.offload.pool.JobOptions;
import dev.offload.pool.OffloadException;
import dev.offload.pool.PoolRejectedException;
import dev.offload.pool.WorkerPool;
import dev.offload.worker.JobHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The same {@code submit()} as {@link WorkerPool}, across the worker pools of several hosts joined in a
 * Hazelcast cluster ({@code cluster:} in the config).
 *
 * <p>A job runs on this host when one of its workers is free; otherwise it goes to the host with the
 * most room (hosts publish theirs every 20 ms while it changes). A host that is
 * full refuses and the next is asked, at no cost; when every host is full the future fails with
 * {@link PoolRejectedException} ({@code QUEUE_FULL}), as a single pool's does. A job travels as JSON
 * bytes with its handler's class name: every host needs the same handler classes, and a host that
 * lacks one fails the job with a {@link dev.offload.pool.JobFailedException} naming that host.
 *
 * <p>A host that dies or leaves while it runs a job costs the job one attempt of {@code jobs.maxAttempts}
 * ({@link JobOptions#withMaxAttempts}): it runs again on another host, and after the last attempt fails
 * with a {@link dev.offload.pool.WorkerCrashedException} naming the host. Timeouts are kept by the
 * submitting host, which cancels the job where it runs; cancelling the future does the same. A job
 * whose submitter leaves the cluster is cancelled.
 *
 * <p>Results of jobs run on other hosts complete on an {@code offload-cluster-callback-N} thread
 * (with {@code jobs.completion: direct}, on the Hazelcast thread they arrive on), or on
 * {@link JobOptions#withExecutor the caller's executor}. A job with a
 * {@link JobOptions#withProgressListener progress listener} always runs on this host.
 *
 * <p>With an empty {@code cluster.members} (the default) no member starts and every job runs in this
 * host's pool, so a program can always use a {@code ClusterPool}.
 *
 * <p>Hazelcast's community edition has no authentication and no encryption: whoever reaches the
 * {@code cluster.bind} port can join and run handlers. Keep it on a trusted network (the default
 * binds to 127.0.0.1).
 */
public final class ClusterPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterPool.class);
    /** How long {@link #close()} lets accepted jobs finish before it kills the workers and leaves. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private final WorkerPool pool;
    private final LocalLoad load;
    private final ClusterNode node;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private ClusterPool(WorkerPool pool, LocalLoad load, ClusterNode node) {
        this.pool = pool;
        this.load = load;
        this.node = node;
    }

    /**
     * Starts this host's pool, then joins the cluster of {@code cluster.members} as a member listening on
     * {@code cluster.bind}; returns once it is in the cluster (or formed it, when no other member
     * answered). With no {@code cluster.members}, only the pool starts.
     *
     * @throws OffloadException when the pool or the member cannot start; nothing is left running then
     */
    public static ClusterPool join(PoolConfig config) {
        Objects.requireNonNull(config, "config");
        WorkerPool pool = WorkerPool.start(config);
        LocalLoad load = new LocalLoad(config.maxWorkers());
        if (config.clusterMembers().isEmpty()) {
            LOG.info("cluster.members is empty: running jobs on this host only");
            return new ClusterPool(pool, load, null);
        }
        try {
            ClusterNode node = ClusterNode.join(config, pool, load);
            LOG.info("joined cluster '{}' as {}", config.clusterName(), config.clusterBind());
            return new ClusterPool(pool, load, node);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Runs the job with {@link JobOptions#defaults()}; see {@link #submit(Class, Object, JobOptions)}. */
    public <I, O> CompletableFuture<O> submit(Class<? extends JobHandler<I, O>> handler, I input) {
        return submit(handler, input, JobOptions.defaults());
    }

    /** Runs the job on this host or another; never blocks, like {@link WorkerPool#submit}. */
    public <I, O> CompletableFuture<O> submit(Class<? extends JobHandler<I, O>> handler, I input, JobOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        return place(handler.getName(), options, () -> pool.submit(handler, input, options),
                () -> anywhere(handler, input, options));
    }

    /**
     * {@link WorkerPool#submitJson} across the cluster: JSON bytes in, the worker's JSON bytes out,
     * for callers that hold bytes (an HTTP front door). Never blocks.
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<byte[]> submitJson(String handlerClassName, byte[] inputJson, JobOptions options) {
        Objects.requireNonNull(handlerClassName, "handlerClassName");
        Objects.requireNonNull(inputJson, "inputJson");
        Objects.requireNonNull(options, "options");
        return place(handlerClassName, options, () -> pool.submitJson(handlerClassName, inputJson, options),
                () -> (CompletableFuture<byte[]>) (CompletableFuture<?>) node.outbox().submit(handlerClassName, inputJson, null, options));
    }

    /**
     * The routing of a submit: {@code here} runs it in this host's pool (always with no cluster, or
     * with a progress listener, which cannot follow a job to another host; else when a worker is free),
     * {@code anywhere} hands it to the {@link Outbox}.
     */
    private <T> CompletableFuture<T> place(String handler, JobOptions options, Supplier<CompletableFuture<T>> here,
                                           Supplier<CompletableFuture<T>> anywhere) {
        if (node == null) {
            return here.get();
        }
        if (draining.get()) {
            return CompletableFuture.failedFuture(new PoolRejectedException(PoolRejectedException.Reason.SHUT_DOWN,
                    "the cluster pool is shut down: " + simpleName(handler) + " was not accepted"));
        }
        if (options.progressListener() != null) {
            load.reserve();
            return counted(here.get());
        }
        return load.tryReserveIdle() ? counted(here.get()) : anywhere.get();
    }

    /** A typed job for the {@link Outbox}: its input as JSON, its result decoded as the pool would. */
    @SuppressWarnings("unchecked")
    private <I, O> CompletableFuture<O> anywhere(Class<? extends JobHandler<I, O>> handler, I input, JobOptions options) {
        byte[] json;
        try {
            json = JsonCodec.encode(input);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new OffloadException("cannot encode the input of "
                    + simpleName(handler.getName()) + " as JSON: " + e.getMessage(), e));
        }
        return (CompletableFuture<O>) node.outbox().submit(handler.getName(), json, JsonCodec.outputOf(handler), options);
    }

    /**
     * This host's own pool, for what only reads it, such as metrics
     * ({@code new OffloadMetrics(cluster.localPool())}: the jobs this host's workers ran, whoever
     * submitted them). A job submitted to it runs on this host only; shutting it down is
     * {@link #shutdown()}'s and {@link #close()}'s job.
     */
    public WorkerPool localPool() {
        return pool;
    }

    /** This host's pool, and every member as it last published itself. */
    public ClusterStats stats() {
        return new ClusterStats(pool.stats(), node == null ? List.of() : node.board().members());
    }

    /**
     * Stops accepting jobs, here and from other hosts; lets every accepted job finish and every job this
     * host placed elsewhere be decided; then stops the workers and leaves the cluster. The future
     * completes when all of that is done.
     */
    public CompletableFuture<Void> shutdown() {
        if (draining.compareAndSet(false, true)) {
            CompletableFuture<Void> nodeDrained = node == null ? CompletableFuture.completedFuture(null) : node.drain();
            CompletableFuture<Void> poolStopped = pool.shutdown();
            CompletableFuture.allOf(nodeDrained, poolStopped).whenComplete((ignored, failure) -> {
                // Leaving takes Hazelcast a moment; not on the pool's or Hazelcast's own threads.
                Thread leave = new Thread(this::release, "offload-cluster-leave");
                leave.setDaemon(true);
                leave.start();
            });
        }
        return terminated;
    }

    /**
     * {@link #shutdown()}, waiting at most 10 s; then the workers are killed,
     * the jobs still running for other hosts are left to their submitters (which see this host leave and
     * run them elsewhere), this host's undecided jobs fail, and the member leaves. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            terminated.join();
            return;
        }
        try {
            shutdown().get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timedOutOrInterrupted) {
            if (timedOutOrInterrupted instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        if (node != null) {
            node.abandon();
        }
        pool.close();
        release();
    }

    private void release() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            terminated.complete(null);
        }
    }

    /** The job holds one place in this host's {@link LocalLoad} until it ends. */
    private <T> CompletableFuture<T> counted(CompletableFuture<T> future) {
        future.whenComplete((value, failure) -> load.release(failure == null));
        return future;
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
