package dev.offload.launcher.internal;

import dev.offload.config.PoolConfig;
import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.ChannelSpec;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import dev.offload.transport.internal.pipe.PumpedPipeChannel;
import dev.offload.transport.internal.shm.DoorbellListener;
import dev.offload.transport.internal.shm.ShmChannel;
import dev.offload.transport.internal.shm.WorkerClaim;
import dev.offload.worker.internal.Hello;
import dev.offload.worker.internal.WorkerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Forks worker JVMs and completes their HELLO handshake. {@link #launch} blocks for as long as a
 * JVM takes to start: call it from a pool's own thread, never from a caller's. Workers start from
 * the pool's AppCDS archive ({@link CdsArchive}) once there is one; this class also runs the
 * training worker that makes it.
 */
public final class WorkerLauncher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLauncher.class);

    private final PoolConfig config;
    private final TransportSelection transport;
    private final ChannelOptions channelOptions;
    private final String token = newToken();
    private final ScheduledExecutorService timer;
    private final AtomicBoolean warnedFallback = new AtomicBoolean();
    private final CdsArchive cds;
    /** The JVMs forked and not yet past HELLO, by worker id: what {@link #abortStart} can stop. */
    private final Map<String, Process> starting = new ConcurrentHashMap<>();
    /** Ids whose start {@link #abortStart} stopped: their failure says so. */
    private final Set<String> aborted = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public WorkerLauncher(PoolConfig config, TransportSelection transport) {
        this(config, transport, CdsCache.candidates());
    }

    /** {@code cdsDirectories}: where the AppCDS archive may be kept, best first (tests use their own). */
    WorkerLauncher(PoolConfig config, TransportSelection transport, List<Path> cdsDirectories) {
        this.config = config;
        this.transport = transport;
        this.channelOptions = new ChannelOptions(config.maxFrameBytes(), config.shmSpin().toNanos());
        this.cds = config.workerCds()
                ? CdsArchive.forCommand(WorkerCommand.jvmCommand(config, List.of()), WorkerCommand.classPath(config),
                        transport.kind(), cdsDirectories, new CdsTraining(this))
                : CdsArchive.off();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "offload-launch-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts worker {@code id} and returns it once it said HELLO. */
    public WorkerProcess launch(String id) throws IOException {
        WorkerProcess worker = startOverTransport(id);
        cds.workerStarted();
        return worker;
    }

    /**
     * Whether a shm pool's first workers start over pipes instead ({@code transport.shm.startOverPipe}):
     * by default when this JVM has not used shared memory yet. Loading and warming Chronicle Queue
     * in a fresh JVM costs about half a second of CPU, taken from the worker JVMs booting beside it
     * on a small machine; a stand-in pipe worker starts in a fraction of that, and the pool replaces
     * it by a shm worker once it serves ({@link #launchStandIn}).
     */
    public boolean startsOverPipeFirst() {
        if (!transport.kind().equals("shm")) {
            return false;
        }
        return switch (config.shmStartOverPipe()) {
            case "always" -> true;
            case "never" -> false;
            default -> !ShmChannel.preparedInThisJvm();
        };
    }

    /**
     * Starts worker {@code id} over pipes as a stand-in for a shm worker (see
     * {@link #startsOverPipeFirst}) and returns it once it said HELLO; {@link WorkerProcess#isStandIn()}.
     */
    public WorkerProcess launchStandIn(String id) throws IOException {
        WorkerProcess worker = startWithArchive(id, false, true).markStandIn();
        cds.workerStarted();
        return worker;
    }

    private WorkerProcess startOverTransport(String id) throws IOException {
        if (transport.kind().equals("shm")) {
            try {
                return startWithArchive(id, true, false);
            } catch (WorkerStartException e) {
                if (e.exitCode() != WorkerProtocol.EXIT_SHM_UNAVAILABLE || !transport.mayFallBack()) {
                    throw e;
                }
                if (warnedFallback.compareAndSet(false, true)) {
                    LOG.warn("transport auto: worker {} could not open shared memory, running it over pipes: {}",
                            id, e.getMessage());
                }
            }
        }
        return startWithArchive(id, false, false);
    }

    /** A start that fails with the archive, other than by a signal from outside, is tried once without it. */
    private WorkerProcess startWithArchive(String id, boolean shm, boolean standIn) throws IOException {
        List<String> archiveFlags = cds.flags();
        if (archiveFlags.isEmpty()) {
            return start(id, shm, standIn, List.of(), StderrPump.LineFilter.NONE);
        }
        try {
            return start(id, shm, standIn, archiveFlags, cds::handledStderrLine);
        } catch (WorkerStartException e) {
            if (closed || !CdsArchive.mayBeTheCause(e)) {
                throw e;
            }
            WorkerProcess worker = start(id, shm, standIn, List.of(), StderrPump.LineFilter.NONE);
            cds.startedOnlyWithout(id, e);
            return worker;
        }
    }

    /** Forks worker {@code id} with {@code extraJvmFlags} and returns it once it said HELLO. */
    WorkerProcess start(String id, boolean shm, List<String> extraJvmFlags, StderrPump.LineFilter stderrFilter)
            throws IOException {
        return start(id, shm, false, extraJvmFlags, stderrFilter);
    }

    /**
     * {@code standIn}: a pipe worker of a shm pool, which gets a directory in the pool's shm
     * directory to claim, as a shm worker does, so that a parent killed meanwhile leaves no shared
     * memory behind.
     */
    private WorkerProcess start(String id, boolean shm, boolean standIn, List<String> extraJvmFlags,
                                StderrPump.LineFilter stderrFilter) throws IOException {
        Path shmDir = shm || (standIn && transport.shmDirectory() != null) ? transport.shmDirectory().workerDir(id) : null;
        ChannelSpec spec = shm ? ChannelSpec.shm(shmDir, channelOptions) : ChannelSpec.pipe(channelOptions);
        ProcessBuilder builder = new ProcessBuilder(WorkerCommand.command(config, extraJvmFlags));
        if (shm) {
            // Over shm the worker's stdout carries nothing of ours: join it to stderr, so that what
            // native code writes to fd 1 is logged like stderr instead of filling an unread pipe
            // until the worker blocks.
            builder.redirectErrorStream(true);
        }
        builder.environment().clear();
        builder.environment().putAll(WorkerCommand.environment(config, id, spec.format(), token, shm ? null : shmDir));
        if (!shm && shmDir != null) {
            try {
                WorkerClaim.prepareDirectory(shmDir);
            } catch (IOException | RuntimeException e) {
                throw new WorkerStartException("worker " + id + ": cannot make its directory in " + shmDir + ": "
                        + e.getMessage(), -1, List.of());
            }
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new WorkerStartException("worker " + id + " could not be forked: " + e.getMessage(), -1, List.of());
        }
        starting.put(id, process);
        try {
            return handshake(id, shm, shmDir, process, stderrFilter);
        } finally {
            starting.remove(id, process);
            aborted.remove(id);
        }
    }

    /** The forked worker's side of {@link #start}: its channel, its HELLO, or a {@link WorkerStartException} that says why not. */
    private WorkerProcess handshake(String id, boolean shm, Path shmDir, Process process, StderrPump.LineFilter stderrFilter)
            throws IOException {
        StderrPump stderr = StderrPump.start(shm ? process.getInputStream() : process.getErrorStream(), id, stderrFilter);
        DoorbellListener doorbell = null;
        if (shm) {
            // The worker JVM boots meanwhile (on another core, if there is one) and waits for the doorbell.
            try {
                ShmChannel.prepare(shmDir, channelOptions);
                doorbell = DoorbellListener.listen(shmDir);
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
                ShmChannel.discard(shmDir);
                throw new WorkerStartException("worker " + id + ": cannot prepare its shared memory in " + shmDir + ": "
                        + e.getMessage(), -1, List.of());
            }
        }
        String name = "worker " + id;
        Channel channel = null;
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            timedOut.set(true);
            process.destroyForcibly();
        }, config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (shm) {
                channel = ShmChannel.openParentSide(shmDir, doorbell, () -> process.isAlive() && !timedOut.get(),
                        channelOptions, name);
            } else {
                channel = new PumpedPipeChannel(process.getInputStream(), process.getOutputStream(), channelOptions, name, id);
            }
            Frame hello = channel.receive();
            checkHello(id, hello);
            deadline.cancel(false);
            return new WorkerProcess(id, process, channel, stderr, shmDir);
        } catch (IOException | RuntimeException e) {
            deadline.cancel(false);
            if (doorbell != null) {
                doorbell.close();
            }
            if (channel != null) {
                channel.close(); // a live worker sees the end of its channel and exits by itself
            }
            // Destroy only a process that is still there: Process.destroy closes our ends of its
            // pipes, and the stderr lines a crashed worker left unread would be lost with them.
            boolean killedHere = !exitsWithin(process, 1_000);
            if (killedHere) {
                process.destroyForcibly();
            }
            boolean ours = timedOut.get() || killedHere || aborted.contains(id);
            int exit = ours ? -1 : exitCode(process); // -1: our own kill, not a death
            List<String> tail = stderr.tail(1_000);
            ShmChannel.discard(shmDir);
            String what = aborted.contains(id) ? "was stopped during start-up: the pool is stopping"
                    : timedOut.get()
                    ? "did not say HELLO within workers.startTimeout (" + config.startTimeout().toMillis() + " ms)"
                    // A worker exits with 0 during start-up only when its channel ends: we closed it
                    // because the handshake failed, and that failure is the news. Any other exit
                    // status is the worker's own (its stderr tail follows).
                    : exit > 0 ? ExitStatus.describe(exit) + " during start-up" : "failed its handshake: " + e.getMessage();
            throw new WorkerStartException("worker " + id + " " + what, exit, tail);
        }
    }

    private void checkHello(String id, Frame frame) throws IOException {
        if (frame.type() != FrameType.HELLO) {
            throw new IOException("expected HELLO from worker " + id + ", got " + frame);
        }
        Hello hello = Hello.decode(frame.payload());
        if (!token.equals(hello.token())) {
            throw new IOException("worker " + id + " echoed a wrong pool token");
        }
    }

    private static boolean exitsWithin(Process process, long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int exitCode(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String transportKind() {
        return transport.kind();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Kills worker {@code id}'s JVM if it is still starting: its {@link #launch} then fails with a
     * {@link WorkerStartException} that says the pool is stopping. Nothing happens past HELLO.
     */
    public void abortStart(String id) {
        Process process = starting.get(id);
        if (process != null) {
            aborted.add(id);
            process.destroyForcibly();
        }
    }

    /** {@link #abortStart} for every worker still starting: the pool is closing. */
    public void abortStarts() {
        starting.keySet().forEach(this::abortStart);
    }

    /** Kills a training worker under way at once (the JVM is exiting): {@link #close()} then does not wait for it. */
    public void stopTraining() {
        cds.abortTraining();
    }

    static String newToken() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Lets a training under way finish for a few seconds (see {@link CdsArchive#close}), then stops. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            cds.close();
        } finally {
            timer.shutdownNow();
        }
    }
}
