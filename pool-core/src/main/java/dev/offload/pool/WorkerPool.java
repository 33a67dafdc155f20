package dev.offload.pool;

import dev.offload.config.PoolConfig;
import dev.offload.launcher.TransportSelection;
import dev.offload.launcher.TransportUnavailableException;
import dev.offload.launcher.WorkerLauncher;
import dev.offload.launcher.WorkerProcess;
import dev.offload.worker.HandlerTypes;
import dev.offload.worker.JobHandler;
import dev.offload.worker.PayloadCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded pool of worker JVMs that run {@link JobHandler}s for the caller.
 *
 * <p>{@link #submit} never blocks and never throws for a runtime condition: a full queue, a closed
 * pool or an input over the frame limit give a future that has already failed with
 * {@link PoolRejectedException}. Results complete on a callback thread by default
 * ({@code jobs.completion}); a thread blocked in {@code join()}/{@code get()} on the future is
 * handed its result directly, whatever that setting.
 *
 * <p>The fast path, over shm: for a moment after each job a worker's slot thread spins for work
 * instead of parking, and a {@code submit()} that finds the queue empty gives the job straight to
 * such a slot and writes its JOB frame into the worker's queue itself, when that costs no system
 * call (otherwise the slot thread sends it). No thread is woken between {@code submit()} and the
 * worker. If the caller then waits in {@code join()}/{@code get()}, its own thread reads the answer
 * (for at most {@code transport.shm.spin}, then it parks and the slot thread reads), so a
 * sequential round trip involves two threads, the caller's and the worker's. See
 * {@code docs/BENCHMARKS.md} for what that buys.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.start(PoolConfig.load(Path.of("offload.yaml")))) {
 *     pool.submit(Fibonacci.class, new FibInput(30)).thenAccept(r -> System.out.println(r.value()));
 * }
 * }</pre>
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    private static final int RUNNING = 0;
    private static final int DRAINING = 1;
    private static final int CLOSING = 2;
    /** How long {@link #close()} lets accepted jobs finish before it kills the workers. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private final PoolConfig config;
    private final TransportSelection transport;
    private final WorkerLauncher launcher;
    private final AdmissionQueue queue;
    private final Counters counters = new Counters();
    private final Completer completer;
    private final Spawner spawner;
    private final Supervisor supervisor;
    private final Set<WorkerSlot> slots = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Class<?>, HandlerTypes> handlerTypes = new ConcurrentHashMap<>();
    private final AtomicLong jobIds = new AtomicLong();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean hasTimeouts;
    private volatile boolean released;

    private WorkerPool(PoolConfig config, TransportSelection transport) {
        this.config = config;
        this.transport = transport;
        this.launcher = new WorkerLauncher(config, transport);
        this.queue = new AdmissionQueue(config.queueCapacity());
        this.completer = new Completer(counters, config.completion().equals("direct"));
        this.spawner = new Spawner(this, launcher);
        this.supervisor = new Supervisor(this, spawner);
        this.hasTimeouts = !config.jobTimeout().isZero();
    }

    /**
     * Starts a pool and its {@code workers.min} workers; returns once they all said HELLO.
     *
     * @throws OffloadException when the transport asked for is unavailable or a worker cannot start;
     *                          nothing is left running then
     */
    public static WorkerPool start(PoolConfig config) {
        Objects.requireNonNull(config, "config");
        TransportSelection transport;
        try {
            transport = TransportSelection.choose(config);
        } catch (TransportUnavailableException e) {
            throw new OffloadException(e.getMessage(), e);
        }
        WorkerPool pool = new WorkerPool(config, transport);
        try {
            pool.spawner.startInitial(config.minWorkers());
        } catch (IOException | RuntimeException e) {
            pool.close();
            throw new OffloadException("cannot start the pool: " + e.getMessage(), e);
        }
        pool.supervisor.start();
        LOG.info("pool started: {} worker(s) over {}, max {}", config.minWorkers(), transport.kind(), config.maxWorkers());
        return pool;
    }

    public <I, O> CompletableFuture<O> submit(Class<? extends JobHandler<I, O>> handler, I input) {
        return submit(handler, input, JobOptions.defaults());
    }

    /** Queues a job; see the class comment for what never happens here. */
    @SuppressWarnings("unchecked")
    public <I, O> CompletableFuture<O> submit(Class<? extends JobHandler<I, O>> handler, I input, JobOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        if (state.get() == RUNNING) {
            byte[] bytes;
            try {
                bytes = PayloadCodec.encode(input);
            } catch (IOException | RuntimeException e) {
                counters.failed.increment();
                return CompletableFuture.failedFuture(new OffloadException("cannot encode the input of "
                        + Job.simpleName(handler.getName()) + " as JSON: " + e.getMessage(), e));
            }
            HandlerTypes types = handlerTypes.computeIfAbsent(handler, HandlerTypes::of);
            return (CompletableFuture<O>) enqueue(handler.getName(), bytes, types.output(), options);
        }
        return (CompletableFuture<O>) enqueue(handler.getName(), null, null, options);
    }

    /**
     * Queues a job whose input is JSON already, for callers that hold bytes rather than objects (an
     * HTTP front door, another host). The worker decodes {@code inputJson} into the handler's
     * declared input type (a mismatch fails the job with a {@link JobFailedException} whose
     * {@link JobFailedException#remoteType()} is {@value #INPUT_DECODING_ERROR} and whose message
     * names the field), and the future gets the handler's result as the worker encoded it, JSON
     * bytes untouched ({@code byte[]} results: the bytes themselves). Never blocks, like
     * {@link #submit}.
     *
     * @param handlerClassName the fully qualified name of a {@link JobHandler} class on the workers' class path
     */
    public CompletableFuture<byte[]> submitJson(String handlerClassName, byte[] inputJson, JobOptions options) {
        Objects.requireNonNull(handlerClassName, "handlerClassName");
        Objects.requireNonNull(inputJson, "inputJson");
        Objects.requireNonNull(options, "options");
        @SuppressWarnings("unchecked")
        CompletableFuture<byte[]> future = (CompletableFuture<byte[]>) (CompletableFuture<?>) enqueue(handlerClassName, inputJson, null, options);
        return future;
    }

    /** The remote type of a job whose input did not decode into the handler's input type. */
    public static final String INPUT_DECODING_ERROR = "dev.offload.worker.JobRunner$InputDecodingException";

    /** {@code outputType} null: the result stays as the worker's bytes. {@code bytes} null only when not running. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<Object> enqueue(String handlerName, byte[] bytes, com.fasterxml.jackson.databind.JavaType outputType,
                                              JobOptions options) {
        JobFuture<Object> future = new JobFuture<>();
        if (state.get() != RUNNING || bytes == null) {
            return reject(future, PoolRejectedException.Reason.SHUT_DOWN, "the pool is shut down: " + Job.simpleName(handlerName) + " was not accepted");
        }
        if (spawner.inCrashLoop() && counters.live.get() == 0) {
            spawner.demand = true;
            counters.failed.increment();
            future.completeExceptionally(spawner.crashLoopException());
            return future;
        }
        if (bytes.length > config.maxFrameBytes()) {
            return reject(future, PoolRejectedException.Reason.TOO_LARGE, "input of " + bytes.length + " bytes exceeds transport.maxFrameBytes ("
                    + config.maxFrameBytes() + " bytes)");
        }
        Duration timeout = options.timeout() != null ? options.timeout() : config.jobTimeout();
        int attempts = options.maxAttempts() > 0 ? options.maxAttempts() : config.maxAttempts();
        long id = jobIds.incrementAndGet();
        Job job = new Job(id, id, handlerName, bytes, outputType, options.priority(), attempts, timeout,
                options.progressListener(), options.executor(), future);
        if (!timeout.isZero()) {
            hasTimeouts = true;
        }
        future.onCancel(f -> cancelled(job));
        future.job = job;
        if (queue.size() == 0) {
            // Nothing waits ahead of this job: a slot whose thread spins for work takes it now.
            for (WorkerSlot slot : slots) {
                if (slot.tryDispatch(job)) {
                    counters.handedOver.increment();
                    return future;
                }
            }
        }
        if (!queue.offer(job)) {
            return reject(future, PoolRejectedException.Reason.QUEUE_FULL, "queue full: " + config.queueCapacity() + " jobs already waiting (queue.capacity)");
        }
        if (!queue.hasIdleSlot() && counters.live.get() + counters.starting.get() < config.maxWorkers()) {
            supervisor.wake();
        }
        return future;
    }

    @SuppressWarnings("unchecked")
    private <O> CompletableFuture<O> reject(JobFuture<Object> future, PoolRejectedException.Reason reason, String why) {
        counters.rejected.increment();
        future.completeExceptionally(new PoolRejectedException(reason, why));
        return (CompletableFuture<O>) future;
    }

    private void cancelled(Job job) {
        counters.cancelled.increment();
        counters.failed.increment();
        job.decide();
        if (!queue.remove(job) && job.slot != null) {
            supervisor.cancelRunning(job);
        }
    }

    public PoolStats stats() {
        String kind = transport.kind();
        for (WorkerSlot slot : slots) {
            if (!slot.worker().transport().equals(kind)) {
                kind = slot.worker().transport(); // a worker fell back from shm to pipe
                break;
            }
        }
        return new PoolStats(kind, counters.live.get(), counters.busy.get(), queue.size(),
                counters.completed.sum(), counters.failed.sum(), counters.rejected.sum(), counters.restarts.sum(),
                counters.crashes.sum(), counters.timeouts.sum(), counters.cancelled.sum(), spawner.inCrashLoop(),
                counters.queueWait.snapshot(), counters.runTime.snapshot(), counters.endToEnd.snapshot());
    }

    /**
     * Stops accepting jobs, lets every accepted job finish, then stops the workers. The future
     * completes when the last worker has exited and everything the pool made is gone.
     */
    public CompletableFuture<Void> shutdown() {
        if (state.compareAndSet(RUNNING, DRAINING)) {
            queue.wakeAll();
            supervisor.wake();
            checkTerminated();
        }
        return terminated;
    }

    /**
     * {@link #shutdown()}, waiting at most {@link #CLOSE_GRACE} for accepted jobs; then the
     * workers are killed and unfinished jobs fail. Idempotent.
     */
    @Override
    public void close() {
        try {
            shutdown().get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timedOutOrInterrupted) {
            if (timedOutOrInterrupted instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        state.set(CLOSING);
        failWaiting(new PoolRejectedException(PoolRejectedException.Reason.SHUT_DOWN, "the pool closed before the job could run"));
        for (WorkerSlot slot : slots) {
            Job job = slot.current();
            if (job != null) {
                completer.failWith(job, new OffloadException("the pool closed before " + job.describe() + " finished"));
            }
            slot.kill("was stopped because the pool closed");
        }
        for (WorkerSlot slot : slots) {
            joinQuietly(slot.thread());
        }
        release();
    }

    // ---- for the pool's own threads ----

    PoolConfig config() {
        return config;
    }

    AdmissionQueue queue() {
        return queue;
    }

    Counters counters() {
        return counters;
    }

    Completer completer() {
        return completer;
    }

    Supervisor supervisor() {
        return supervisor;
    }

    Collection<WorkerSlot> slots() {
        return slots;
    }

    boolean hasTimeouts() {
        return hasTimeouts;
    }

    boolean isDraining() {
        return state.get() >= DRAINING;
    }

    boolean isClosing() {
        return state.get() >= CLOSING;
    }

    void addSlot(WorkerProcess worker) {
        if (isClosing()) {
            worker.close(1_000); // started while the pool closed: not wanted any more
            return;
        }
        WorkerSlot slot = new WorkerSlot(this, worker);
        slots.add(slot);
        counters.live.incrementAndGet();
        slot.start();
    }

    /** One fewer worker if more than {@code workers.min} are live; the slot then ends without a death. */
    boolean tryRetire() {
        int live;
        do {
            live = counters.live.get();
            if (live <= config.minWorkers()) {
                return false;
            }
        } while (!counters.live.compareAndSet(live, live - 1));
        return true;
    }

    /**
     * A slot's thread ends. Its worker is closed (exited, or killed) before the slot leaves
     * {@link #slots}, so the pool's directory is never deleted under a live worker: a Chronicle
     * tailer that loses its files re-creates them, and the directory would outlive the pool.
     * {@code retired}: the slot already left the live count through {@link #tryRetire}.
     */
    void slotEnded(WorkerSlot slot, boolean died, boolean retired) {
        try {
            slot.worker().close(1_000);
        } finally {
            slots.remove(slot);
            if (!retired) {
                counters.live.decrementAndGet();
            }
            if (died && !isClosing()) {
                spawner.replacementNeeded();
            }
            supervisor.wake();
            checkTerminated();
        }
    }

    void failWaiting(OffloadException failure) {
        for (Job job : queue.drain()) {
            completer.failWith(job, failure);
        }
    }

    private void checkTerminated() {
        if (isDraining() && counters.live.get() == 0 && counters.starting.get() == 0 && queue.size() == 0
                && slots.isEmpty()) {
            release();
        }
    }

    /** Frees everything the pool made; safe to call more than once, from any pool thread. */
    private synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        state.set(CLOSING);
        supervisor.stop();
        spawner.close();
        for (WorkerSlot slot : slots) {
            slot.worker().close(0);
        }
        launcher.close();
        transport.close();
        completer.close();
        terminated.complete(null);
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
