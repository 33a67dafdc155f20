package dev.offload.pool;

import com.fasterxml.jackson.databind.JavaType;
import dev.offload.config.PoolConfig;
import dev.offload.launcher.internal.TransportSelection;
import dev.offload.launcher.internal.TransportUnavailableException;
import dev.offload.launcher.internal.WorkerLauncher;
import dev.offload.launcher.internal.WorkerProcess;
import dev.offload.transport.internal.shm.SpinGate;
import dev.offload.worker.internal.HandlerTypes;
import dev.offload.worker.JobHandler;
import dev.offload.worker.internal.PayloadCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
 * {@link PoolRejectedException}.
 *
 * <p>The data path (see {@code docs/ARCHITECTURE.md}): {@code submit()} encodes the input and, when
 * no job waits ahead of it, writes the JOB frame itself into the least loaded worker that has
 * credit, waking no thread. Workers hold several jobs at once (fewer the longer jobs run) and run
 * them in order. One reader role per pool reads every worker's answers: the pool's reader thread,
 * or a caller waiting in {@code get()}/{@code join()}, who then reads its own answer. Futures
 * complete where {@link JobOptions#withExecutor} says, else as {@code jobs.completion} says.
 *
 * <p>{@link #shutdown()} does not block; {@link #close()} does (up to {@link #CLOSE_GRACE}). Neither
 * does {@link #startAsync}. A pool still open when the JVM exits (SIGTERM, {@code System.exit}) is
 * closed by a shutdown hook within a few seconds; after a SIGKILL of this JVM its workers exit by
 * themselves and the last one deletes the pool's shared memory.
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

    /** The remote type of a job whose input did not decode into the handler's input type. */
    public static final String INPUT_DECODING_ERROR = "dev.offload.worker.internal.JobRunner$InputDecodingException";

    private final PoolConfig config;
    private final TransportSelection transport;
    private final WorkerLauncher launcher;
    private final AdmissionQueue queue;
    private final Counters counters = new Counters();
    private final Completer completer;
    private final Spawner spawner;
    private final Supervisor supervisor;
    private final PoolReader reader;
    private final SpinGate spinGate;
    private final Dispatcher dispatcher = new Dispatcher(this);
    private final WorkerLoss losses = new WorkerLoss(this);
    /** Copy on write; read on every submit and sweep. */
    private volatile WorkerLink[] links = new WorkerLink[0];
    private volatile ReaderThread designated;
    private final ConcurrentHashMap<Class<?>, HandlerTypes> handlerTypes = new ConcurrentHashMap<>();
    private final AtomicLong jobIds = new AtomicLong();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    /** Workers told to stop that have not exited yet: the pool is not released before they have. */
    private final AtomicInteger retiring = new AtomicInteger();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean hasTimeouts;
    private volatile boolean released;

    private WorkerPool(PoolConfig config, TransportSelection transport, WorkerLauncher launcher) throws IOException {
        this.config = config;
        this.transport = transport;
        this.launcher = launcher;
        this.queue = new AdmissionQueue(config.queueCapacity());
        this.completer = new Completer(counters, config.completion().equals("direct"));
        this.spawner = new Spawner(this, launcher);
        this.supervisor = new Supervisor(this, spawner);
        this.spinGate = transport.kind().equals("shm") ? SpinGate.forPool(transport.shmPoolDirectory()) : SpinGate.shared();
        this.reader = new PoolReader(this, spinGate, config.shmSpin().toNanos());
        this.hasTimeouts = !config.jobTimeout().isZero();
    }

    /**
     * Starts a pool and its {@code workers.min} workers; returns once they all said HELLO.
     *
     * <p>Over shm, in a JVM that has not used shared memory yet, those first workers start over
     * pipes ({@code transport.shm.startOverPipe}, default {@code auto}): Chronicle Queue's first
     * loading here costs about half a second of CPU, which on a small machine would delay the
     * workers booting beside it. The pool serves from the first job; in the background it starts
     * shm workers one at a time, and each takes a stand-in's place (the stand-in finishes what it
     * holds, then exits). {@link PoolStats#transport()} says {@code "pipe"} until the last stand-in
     * has gone, typically within a second or two.
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
        WorkerLauncher launcher = new WorkerLauncher(config, transport);
        // The first workers' JVMs boot while the rest of the pool is built.
        InitialStarts initial = InitialStarts.begin(launcher, config.minWorkers());
        WorkerPool pool;
        try {
            pool = new WorkerPool(config, transport, launcher);
        } catch (IOException | RuntimeException e) {
            initial.close();
            launcher.close();
            transport.close();
            throw new OffloadException("cannot start the pool: " + e.getMessage(), e);
        }
        ReaderThread.start(pool, pool.reader);
        try {
            pool.spawner.adopt(initial);
        } catch (IOException | RuntimeException e) {
            pool.close();
            throw new OffloadException("cannot start the pool: " + e.getMessage(), e);
        }
        pool.supervisor.start();
        OpenPools.opened(pool);
        LOG.info("pool started: {} worker(s) over {}, max {}", config.minWorkers(), initial.standIns()
                ? "pipes, standing in for shm workers until shared memory is ready in this JVM" : transport.kind(),
                config.maxWorkers());
        return pool;
    }

    /**
     * {@link #start}, without blocking the calling thread (an event loop): the pool is started on a
     * new thread, {@code offload-pool-start}, and the future completes there, with the pool once its
     * {@code workers.min} workers said HELLO, or with the {@link OffloadException} {@link #start}
     * would throw. Continue on your own thread with an {@code ...Async} stage and your executor.
     * A pool that starts after the future was cancelled is closed at once.
     */
    public static CompletableFuture<WorkerPool> startAsync(PoolConfig config) {
        Objects.requireNonNull(config, "config");
        CompletableFuture<WorkerPool> started = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                WorkerPool pool = start(config);
                if (!started.complete(pool)) {
                    pool.close(); // nobody will ever see it
                }
            } catch (RuntimeException | Error e) {
                started.completeExceptionally(e);
            }
        }, "offload-pool-start");
        thread.setDaemon(true);
        thread.start();
        return started;
    }

    /** Queues a job with {@link JobOptions#defaults()}; see {@link #submit(Class, Object, JobOptions)}. */
    public <I, O> CompletableFuture<O> submit(Class<? extends JobHandler<I, O>> handler, I input) {
        return submit(handler, input, JobOptions.defaults());
    }

    /** Queues a job; see the class comment for what never happens here. */
    @SuppressWarnings("unchecked")
    public <I, O> CompletableFuture<O> submit(Class<? extends JobHandler<I, O>> handler, I input, JobOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        if (state.get() != RUNNING) {
            return (CompletableFuture<O>) enqueue(handler.getName(), null, null, options);
        }
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
    @SuppressWarnings("unchecked")
    public CompletableFuture<byte[]> submitJson(String handlerClassName, byte[] inputJson, JobOptions options) {
        Objects.requireNonNull(handlerClassName, "handlerClassName");
        Objects.requireNonNull(inputJson, "inputJson");
        Objects.requireNonNull(options, "options");
        return (CompletableFuture<byte[]>) (CompletableFuture<?>) enqueue(handlerClassName, inputJson, null, options);
    }

    /** {@code outputType} null: the result stays as the worker's bytes. {@code bytes} null only when not running. */
    private CompletableFuture<Object> enqueue(String handlerName, byte[] bytes, JavaType outputType, JobOptions options) {
        JobFuture<Object> future = new JobFuture<>();
        if (state.get() != RUNNING || bytes == null) {
            return reject(future, PoolRejectedException.Reason.SHUT_DOWN, "the pool is shut down: "
                    + Job.simpleName(handlerName) + " was not accepted");
        }
        if (spawner.inCrashLoop() && links.length == 0) {
            spawner.demand = true;
            counters.failed.increment();
            future.completeExceptionally(spawner.crashLoopException());
            return future;
        }
        if (bytes.length > config.maxFrameBytes()) {
            return reject(future, PoolRejectedException.Reason.TOO_LARGE, "input of " + bytes.length
                    + " bytes exceeds transport.maxFrameBytes (" + config.maxFrameBytes() + " bytes)");
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
        future.reader = reader;
        supervisor.noteWork();
        if (queue.size() == 0 && dispatcher.trySend(job)) {
            return future;
        }
        if (!queue.offer(job)) {
            return reject(future, PoolRejectedException.Reason.QUEUE_FULL, "queue full: " + config.queueCapacity()
                    + " jobs already waiting (queue.capacity)");
        }
        // The job waits. If a worker has credit after all (a send was refused, or credit freed just
        // now), the reader role sends it; otherwise the next answer does, or a new worker.
        if (dispatcher.pick() != null) {
            reader.requestDispatch();
        } else if (links.length + counters.starting.get() < config.maxWorkers()) {
            supervisor.wake();
        }
        return future;
    }

    private CompletableFuture<Object> reject(JobFuture<Object> future, PoolRejectedException.Reason reason, String why) {
        counters.rejected.increment();
        future.completeExceptionally(new PoolRejectedException(reason, why));
        return future;
    }

    private void cancelled(Job job) {
        if (job.decideCancelled()) { // else counted already as the outcome decided first
            counters.cancelled.increment();
            counters.failed.increment();
            JfrEvents.cancelled(job);
        }
        if (!queue.remove(job) && job.link != null) {
            supervisor.cancelRunning(job);
        }
    }

    /**
     * Lets {@code loop} read this pool's answers on its own thread: it watches every worker's
     * wake-up in its own selector, takes the pool's reader role when one rings, reads every answer
     * that came and completes the futures right there. An event loop that submits jobs and takes
     * their answers on itself (with {@link JobOptions#withExecutor} naming the same loop) then pays
     * one thread wake-up per answer instead of two: the pool's reader thread is not woken at all.
     *
     * <p>Futures with no executor of their own complete on the loop's thread while it is attached
     * (they would otherwise complete on the reader thread): keep their callbacks short, as any code
     * on an event loop. A caller blocked in {@code get()}/{@code join()} on another thread still
     * reads its own answer. The loop never waits for a read: once a minute, while a worker's shm
     * queue moves to its next file (which can take its writer a moment), the pool's reader thread
     * reads that worker's answers instead, and a future with no executor read then completes on the
     * reader thread. One loop at a time; the attachment ends when it is closed, when the pool
     * closes, or when the loop shuts down ({@link AnswerLoop#isShuttingDown}), and the pool's reader
     * thread then reads again. It takes effect within a millisecond or so, asynchronously.
     *
     * @throws IllegalStateException when another loop is attached already, or the pool is shut down
     */
    public AnswerLoop.Attachment readAnswersOn(AnswerLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (state.get() != RUNNING) {
            throw new IllegalStateException("the pool is shut down: no loop can read its answers");
        }
        if (!reader.attach(loop)) {
            throw new IllegalStateException("the answers of this pool are read on " + reader.attachedLoop()
                    + " already: close that attachment first");
        }
        return () -> reader.detach(loop);
    }

    /** A snapshot of the pool's state and counters, including the transport really in use. */
    public PoolStats stats() {
        String kind = transport.kind();
        int busy = 0;
        WorkerLink[] now = links;
        for (WorkerLink link : now) {
            busy += link.load() > 0 ? 1 : 0;
            if (!link.worker.transport().equals(transport.kind())) {
                kind = link.worker.transport(); // a worker fell back from shm to pipe, or stands in for a shm one
            }
        }
        return new PoolStats(kind, now.length, busy, queue.size(),
                counters.completed.sum(), counters.failed.sum(), counters.rejected.sum(), counters.restarts.sum(),
                counters.crashes.sum(), counters.timeouts.sum(), counters.cancelled.sum(), spawner.inCrashLoop(),
                counters.queueWait.snapshot(), counters.runTime.snapshot(), counters.endToEnd.snapshot());
    }

    /**
     * Stops accepting jobs, lets every accepted job finish, then stops the workers. Does not block:
     * the future completes when the last worker has exited and everything the pool made is gone.
     */
    public CompletableFuture<Void> shutdown() {
        if (state.compareAndSet(RUNNING, DRAINING)) {
            spawner.abortStandInReplacement(); // not needed any more: the stand-ins finish what was accepted
            supervisor.wake();
            checkTerminated();
        }
        return terminated;
    }

    /**
     * {@link #shutdown()}, waiting at most {@link #CLOSE_GRACE} for accepted jobs; then the
     * workers are killed and unfinished jobs fail. Blocks until everything is gone (unlike
     * {@link #shutdown()}: call it from a thread that may wait, not an event loop). Idempotent.
     */
    @Override
    public void close() {
        close(CLOSE_GRACE);
    }

    /** From the JVM's shutdown hook ({@link OpenPools}): as {@link #close()}, with a short grace and no archive training. */
    void closeForExit(Duration grace) {
        launcher.stopTraining();
        close(grace);
    }

    private void close(Duration grace) {
        try {
            shutdown().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timedOutOrInterrupted) {
            if (timedOutOrInterrupted instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        state.set(CLOSING);
        launcher.abortStarts(); // a worker still starting would only be stopped once it said HELLO
        failWaiting(new PoolRejectedException(PoolRejectedException.Reason.SHUT_DOWN, "the pool closed before the job could run"));
        for (WorkerLink link : links) {
            link.stopAccepting();
            link.kill("was stopped because the pool closed");
        }
        reader.wakeUp();
        losses.awaitAll(5_000);
        release();
    }

    // ---- for the pool's own classes ----

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

    Spawner spawner() {
        return spawner;
    }

    PoolReader reader() {
        return reader;
    }

    SpinGate spinGate() {
        return spinGate;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    WorkerLink[] links() {
        return links;
    }

    ReaderThread designated() {
        return designated;
    }

    void designate(ReaderThread thread) {
        designated = thread;
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

    boolean isReleased() {
        return released;
    }

    /** A worker said HELLO: it takes jobs from now on. From a spawn thread. */
    void addLink(WorkerProcess worker) {
        if (isClosing()) {
            worker.close(1_000); // started while the pool closed: not wanted any more
            worker.onExit().thenAccept(exitCode -> JfrEvents.workerExited(worker.id(), worker.pid(), exitCode,
                    "stopped: it started while the pool closed"));
            return;
        }
        WorkerLink link = new WorkerLink(worker, reader::dispatchMayWait);
        synchronized (this) {
            WorkerLink[] grown = Arrays.copyOf(links, links.length + 1);
            grown[links.length] = link;
            links = grown;
        }
        reader.linkJoined(link);
        worker.onExit().thenAccept(exitCode -> {
            link.gone = true;
            reader.wakeUp();
            JfrEvents.workerExited(link.id(), worker.pid(), exitCode, JfrEvents.exitReason(link, exitCode));
        });
        reader.requestDispatch();
    }

    /** A pipe stand-in that still takes jobs, the least loaded; null when none is left. */
    WorkerLink standIn() {
        WorkerLink best = null;
        for (WorkerLink link : links) {
            if (link.isStandIn() && link.accepting() && (best == null || link.load() < best.load())) {
                best = link;
            }
        }
        return best;
    }

    /** The link leaves the pool: its worker is gone or retired, and it holds no job. */
    void removeLink(WorkerLink link) {
        synchronized (this) {
            List<WorkerLink> kept = new ArrayList<>(Arrays.asList(links));
            kept.remove(link);
            links = kept.toArray(new WorkerLink[0]);
        }
    }

    /**
     * Supervisor: a worker past workers.idleTimeout or its workers.maxJobs, holding nothing, stops;
     * {@code why} is said in its exit event.
     */
    void retire(WorkerLink link, boolean replace, String why) {
        link.retireReason = why;
        link.takeAll(); // out of service: the reader skips it from now on
        retiring.incrementAndGet();
        removeLink(link);
        spawner.execute(() -> {
            try {
                link.stopWatching();
                link.worker.close(1_000);
                if (replace) {
                    spawner.replacementNeeded();
                }
            } finally {
                retiring.decrementAndGet();
            }
            supervisor.wake();
            checkTerminated();
        });
    }

    /** Reader role: a worker is gone; {@code held} are the jobs it had, oldest first, {@code held[running]} the one it ran. */
    void workerLost(WorkerLink link, Job[] held, int running, IOException cause) {
        losses.settle(link, held, running, cause);
    }

    void failWaiting(OffloadException failure) {
        for (Job job : queue.drain()) {
            completer.failWith(job, failure);
        }
    }

    /** Once draining and nothing is left to run: the workers go, then the pool's files and threads. */
    void checkTerminated() {
        if (!isDraining() || queue.size() > 0 || counters.starting.get() > 0) {
            return;
        }
        for (WorkerLink link : links) {
            if (link.load() > 0) {
                return;
            }
        }
        WorkerLink[] idle = links;
        if (idle.length > 0) {
            for (WorkerLink link : idle) {
                retire(link, false, "stopped: the pool shut down");
            }
            return; // each retirement checks again once its worker has exited
        }
        if (losses.pending() == 0 && retiring.get() == 0) {
            release();
        }
    }

    /** Frees everything the pool made, keeping every failure; safe to call more than once. */
    private synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        state.set(CLOSING);
        OpenPools.closed(this);
        List<Throwable> failures = new ArrayList<>();
        runQuietly(failures, supervisor::stop);
        runQuietly(failures, spawner::close);
        for (WorkerLink link : links) {
            runQuietly(failures, () -> {
                link.stopWatching();
                link.worker.close(0);
            });
        }
        runQuietly(failures, reader::wakeUp);
        runQuietly(failures, reader::close);
        runQuietly(failures, launcher::close);
        runQuietly(failures, transport::close);
        runQuietly(failures, completer::close);
        if (failures.isEmpty()) {
            terminated.complete(null);
            return;
        }
        OffloadException failure = new OffloadException("the pool stopped, but not cleanly: " + failures.get(0).getMessage(),
                failures.get(0));
        failures.subList(1, failures.size()).forEach(failure::addSuppressed);
        LOG.warn("{}", failure.getMessage(), failure);
        terminated.completeExceptionally(failure);
    }

    private static void runQuietly(List<Throwable> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
