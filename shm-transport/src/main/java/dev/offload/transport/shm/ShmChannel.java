package dev.offload.transport.shm;

import dev.offload.transport.Channel;
import dev.offload.transport.ChannelClosedException;
import dev.offload.transport.ChannelException;
import dev.offload.transport.ChannelOptions;
import dev.offload.transport.Frame;
import dev.offload.transport.FrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A {@link Channel} over shared memory: per worker, two Chronicle queues on tmpfs (parent→worker
 * and worker→parent, each with a single writer), a mapped {@link ControlBlock}, and the worker's
 * stdin/stdout pipe pair as a {@link Doorbell} that carries single wake-up bytes, never frames.
 *
 * <p>Sync is semaphore-style. A reader polls its queue, spins for at most
 * {@link ChannelOptions#spinNanos()} (if the JVM-wide {@link SpinGate} lets it), then announces
 * that it sleeps, re-checks the queue and blocks on the doorbell. A writer appends and rings only
 * a reader that announced: hot, a frame costs a Chronicle append and read; idle, a blocked reader
 * costs no CPU.
 *
 * <p>Threading: {@link #send} and {@link #trySend} from any thread (serialised by the send lock,
 * which owns the appender; trySend only tries it); {@link #receive}/{@link #poll} from one reader thread at a time (the read lock owns
 * the tailer, and is never held while blocked); {@link #close} from any thread, idempotent.
 *
 * <p>Files in a worker directory: {@code p2w/} and {@code w2p/} (the queues), {@code control}.
 */
public final class ShmChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(ShmChannel.class);
    static final String CONTROL_FILE = "control";

    private final String name;
    private final ChannelOptions options;
    private final SpinGate gate;
    /** Set by a send that rang the peer's doorbell; read and cleared by the next receive. */
    private volatile boolean rangPeer;
    /** Set by a {@link #trySend} whose peer fell asleep: the next receive or poll rings for it. */
    private volatile boolean ringOwed;
    /** How many times a trySend left its ring to the reader (for tests and tuning). */
    private volatile long ringsOwed;
    /** Frames bigger than this are not sent by {@link #trySend}: writing them touches fresh pages. */
    static final int TRY_SEND_MAX_PAYLOAD = 16 * 1024;
    private final Direction inbound;
    private final Direction outbound;
    private final ControlBlock control;
    private final FrameAppender appender;
    private final FrameTailer tailer;
    private final Doorbell doorbell;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShmChannel(String name, ChannelOptions options, SpinGate gate, Direction inbound, ControlBlock control,
                       FrameAppender appender, FrameTailer tailer, Doorbell doorbell) {
        this.name = name;
        this.options = options;
        this.gate = gate;
        this.inbound = inbound;
        this.outbound = inbound == Direction.P2W ? Direction.W2P : Direction.P2W;
        this.control = control;
        this.appender = appender;
        this.tailer = tailer;
        this.doorbell = doorbell;
    }

    /**
     * Parent, before forking the worker: makes {@code workerDir} (0700) with both queues and the
     * control block. A directory left by an earlier worker of the same id is emptied first, so that
     * a new worker never reads its predecessor's frames; no live process may still be using it.
     */
    public static void prepare(Path workerDir) throws IOException {
        checkJvm();
        ShmFiles.recreateDirectory(workerDir);
        for (Direction d : Direction.values()) {
            Path queueDir = ShmQueues.queueDir(workerDir, d);
            ShmFiles.createPrivateDirectory(queueDir);
            // Creates the queue's metadata with our roll cycle now, so the two sides never race to.
            ShmQueues.open(queueDir, 1).close();
        }
        ControlBlock.create(workerDir.resolve(CONTROL_FILE));
    }

    /**
     * Parent, after the worker is gone: removes the directory {@link #prepare} made (queues and
     * control block). Quiet: what it cannot delete goes with the pool directory. Null is a no-op.
     */
    public static void discard(Path workerDir) {
        if (workerDir == null) {
            return;
        }
        try {
            ShmFiles.deleteRecursively(workerDir);
        } catch (IOException e) {
            LOG.debug("could not delete worker directory {}: {}", workerDir, e.toString());
        }
    }

    /** Parent side: writes p2w, reads w2p; the worker's stdout is our doorbell, its stdin the peer's. */
    public static ShmChannel openParentSide(Path workerDir, InputStream fromWorker, OutputStream toWorker,
                                            ChannelOptions options, String name) throws IOException {
        return open(workerDir, Direction.W2P, fromWorker, toWorker, options, name, SpinGate.forPool(workerDir.getParent()));
    }

    /** Worker side: writes w2p, reads p2w; stdin is our doorbell, stdout the parent's. */
    public static ShmChannel openWorkerSide(Path workerDir, InputStream stdin, OutputStream stdout,
                                            ChannelOptions options, String name) throws IOException {
        return open(workerDir, Direction.P2W, stdin, stdout, options, name, SpinGate.forPool(workerDir.getParent()));
    }

    static ShmChannel open(Path workerDir, Direction inbound, InputStream doorbellIn, OutputStream doorbellOut,
                           ChannelOptions options, String name, SpinGate gate) throws IOException {
        Objects.requireNonNull(doorbellIn, "doorbellIn");
        Objects.requireNonNull(doorbellOut, "doorbellOut");
        checkJvm();
        ShmQueues.checkSupported(options);
        Direction outbound = inbound == Direction.P2W ? Direction.W2P : Direction.P2W;
        // The control block first: it fails clearly when prepare() did not run or the pool's
        // directory is gone, before Chronicle would quietly re-create the queue folders.
        ControlBlock control = ControlBlock.open(workerDir.resolve(CONTROL_FILE));
        for (Direction d : Direction.values()) {
            if (!Files.isDirectory(ShmQueues.queueDir(workerDir, d))) {
                throw new ChannelException(name + ": queue directory " + ShmQueues.queueDir(workerDir, d)
                        + " is missing: was ShmChannel.prepare(" + workerDir + ") called?");
            }
        }
        FrameAppender appender = null;
        FrameTailer tailer = null;
        try {
            appender = new FrameAppender(ShmQueues.queueDir(workerDir, outbound), options.maxFrameBytes());
            tailer = new FrameTailer(ShmQueues.queueDir(workerDir, inbound), options.maxFrameBytes(), name);
            Doorbell doorbell = new Doorbell(doorbellIn, doorbellOut, name);
            return new ShmChannel(name, options, gate, inbound, control, appender, tailer, doorbell);
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: Chronicle failed to initialise (an ExceptionInInitializerError and the
            // NoClassDefFoundErrors after it); the caller may still fall back to the pipe.
            ShmFiles.closeAll(LOG, name, Arrays.asList(appender, tailer));
            throw new ChannelException(name + ": cannot open the shm queues in " + workerDir + ": " + e, e);
        }
    }

    private static void checkJvm() throws ChannelException {
        // Before any Chronicle class initialises: it reads these properties in static initialisers.
        ChronicleSupport.quietChronicle();
        List<String> missing = ChronicleSupport.missingJvmFlags();
        if (!missing.isEmpty()) {
            throw new ChannelException("the shm transport needs these JVM flags for Chronicle Queue: "
                    + String.join(" ", missing));
        }
    }

    @Override
    public void send(Frame frame) throws IOException {
        byte[] handler = FrameCodec.checkSendable(frame, options.maxFrameBytes());
        sendLock.lock();
        try {
            append(frame, handler);
            if (peerSleeps()) {
                ring();
            }
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Refuses (false, nothing written) when the frame is over {@link #TRY_SEND_MAX_PAYLOAD}, the
     * peer sleeps, another thread is sending, or the queue is due to start a new cycle file. A
     * sleep that begins between our check and our append is settled by the reader: see
     * {@link Channel#trySend}.
     */
    @Override
    public boolean trySend(Frame frame) throws IOException {
        if (frame.payload().length > TRY_SEND_MAX_PAYLOAD || control.isSleeping(outbound) || !sendLock.tryLock()) {
            return false;
        }
        try {
            if (appender.wouldRoll()) {
                return false;
            }
            append(frame, FrameCodec.checkSendable(frame, options.maxFrameBytes()));
            if (peerSleeps()) {
                ringsOwed++; // under the send lock
                ringOwed = true;
            }
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    private void append(Frame frame, byte[] handler) throws IOException {
        ensureOpen();
        try {
            appender.append(frame, handler);
        } catch (RuntimeException e) {
            throw new ChannelException(name + ": could not append a " + frame.type() + " frame to the shm queue", e);
        }
    }

    /**
     * After an append: true when the peer announced that it sleeps, in which case this call took
     * its flag and the caller must ring (once).
     */
    private boolean peerSleeps() {
        // Dekker, writer half: [publish frame] fence [read reader's flag]. The reader does
        // [set flag] fence [read queue]. Chronicle publishes the document with a release store,
        // which a later load may overtake (store-load reordering, even on x86), so without this
        // full fence we could read the flag as 0 from before the reader set it while the reader
        // re-checks the queue and misses our frame: both would wait, a lost wake-up. With the
        // fences on both sides at least one of us sees the other's write: either the reader's
        // re-check finds the frame, or we see the flag and ring.
        VarHandle.fullFence();
        if (control.claimSleeper(outbound)) {
            control.countRing(outbound);
            return true;
        }
        return false;
    }

    private void ring() throws ChannelClosedException {
        rangPeer = true;
        try {
            doorbell.ring();
        } catch (IOException e) {
            throw new ChannelClosedException(name + ": peer closed the doorbell (" + e.getMessage() + ")");
        }
    }

    /** Reader: rings for a {@link #trySend} whose peer fell asleep (we own the ring: the flag is ours). */
    private void payRingOwed() throws ChannelClosedException {
        if (ringOwed) {
            ringOwed = false;
            ring();
        }
    }

    @Override
    public Frame receive() throws IOException {
        payRingOwed();
        Frame frame = pollAndSpin();
        if (frame != null) {
            return frame;
        }
        while (true) {
            // Dekker, reader half: the CAS that sets the flag is sequentially consistent, so the
            // re-check below cannot read the queue from before the flag was visible (see send()).
            control.announceSleep(inbound);
            frame = poll();
            if (frame == null) {
                control.countSleep(inbound);
                doorbell.await();
                ensureOpen();
                frame = poll();
                if (frame == null) {
                    if (doorbell.peerGone()) {
                        control.cancelSleep(inbound);
                        throw peerGone();
                    }
                    // A stale ring: a writer claimed an earlier sleep that our re-check had already
                    // ended. Harmless; the flag is still set (or set again above) and we wait again.
                    control.countSpuriousWakeup(inbound);
                    continue;
                }
                control.countWakeup(inbound);
            }
            // If the writer cleared the flag first it has rung or will ring: that byte becomes one
            // spurious wake-up next time. Clearing it here saves the writer a needless ring.
            control.cancelSleep(inbound);
            return frame;
        }
    }

    /** One poll, then up to spinNanos of polling if the spin gate has room. */
    private Frame pollAndSpin() throws IOException {
        readLock.lock();
        try {
            Frame frame = pollLocked();
            if (frame == null && rangPeer) {
                // We just rang: a pipe write wakes the peer on OUR core (a "sync" wake-up, meant for
                // a writer about to sleep). Give it the core first, or it waits out our whole spin.
                Thread.yield();
                frame = pollLocked();
            }
            rangPeer = false;
            if (frame != null || options.spinNanos() == 0 || !gate.tryEnter()) {
                return frame;
            }
            try {
                long deadline = System.nanoTime() + options.spinNanos();
                do {
                    // Yield rather than Thread.onSpinWait(): on a small machine the thread we wait
                    // for (the peer, or a caller being woken) is often queued on this very core, and
                    // a busy spinner would keep it off for the whole spin. Measured on 2 vCPUs, one
                    // worker, sequential no-op jobs: p50 21 us yielding vs 60-90 us busy-spinning,
                    // with doorbell sleeps down from ~25,000 to ~70 per 30,000 frames.
                    Thread.yield();
                    frame = pollLocked();
                } while (frame == null && !closed.get() && System.nanoTime() - deadline < 0);
                return frame;
            } finally {
                gate.exit();
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Spins like {@link #pollAndSpin} (same budget, gate and yielding), for another condition. */
    @Override
    public boolean spinWait(BooleanSupplier ready) {
        if (ready.getAsBoolean()) {
            return true;
        }
        if (options.spinNanos() == 0 || closed.get() || !gate.tryEnter()) {
            return false;
        }
        try {
            long deadline = System.nanoTime() + options.spinNanos();
            do {
                Thread.yield();
                if (ready.getAsBoolean()) {
                    return true;
                }
            } while (!closed.get() && System.nanoTime() - deadline < 0);
            return false;
        } finally {
            gate.exit();
        }
    }

    @Override
    public Frame poll() throws IOException {
        payRingOwed();
        readLock.lock();
        try {
            return pollLocked();
        } finally {
            readLock.unlock();
        }
    }

    private Frame pollLocked() throws IOException {
        ensureOpen();
        try {
            return tailer.poll();
        } catch (RuntimeException e) {
            throw new ChannelException(name + ": could not read the shm queue", e);
        }
    }

    private ChannelClosedException peerGone() {
        IOException failure = doorbell.failure();
        return new ChannelClosedException(name + ": peer closed the channel"
                + (failure == null ? "" : " (doorbell failed: " + failure + ")"));
    }

    private void ensureOpen() throws ChannelClosedException {
        if (closed.get()) {
            throw new ChannelClosedException(name + ": channel closed");
        }
    }

    @Override
    public String kind() {
        return "shm";
    }

    /** Times a {@link #trySend} found the peer just fallen asleep and left the ring to the reader. */
    long ringsOwed() {
        return ringsOwed;
    }

    /** Slow-path counts of the direction this side reads. */
    public DoorbellCounters inboundCounters() {
        return control.counters(inbound);
    }

    /** Slow-path counts of the direction this side writes. */
    public DoorbellCounters outboundCounters() {
        return control.counters(outbound);
    }

    /**
     * Wakes our reader (it throws {@link ChannelClosedException}), gives the peer EOF on its
     * doorbell, then closes the queues once no send or poll is using them. Never unmaps memory
     * another thread might still touch: sends wait for the send lock, polls for the read lock.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        doorbell.close();
        sendLock.lock();
        try {
            ShmFiles.closeAll(LOG, name, List.of(appender));
        } finally {
            sendLock.unlock();
        }
        readLock.lock();
        try {
            ShmFiles.closeAll(LOG, name, List.of(tailer));
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ShmChannel[" + name + "]";
    }
}
