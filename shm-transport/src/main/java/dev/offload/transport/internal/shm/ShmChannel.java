package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.AdaptiveSpin;
import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.ChannelClosedException;
import dev.offload.transport.internal.ChannelException;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;
import dev.offload.transport.internal.SpinWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A {@link Channel} over shared memory: per worker, two Chronicle queues on tmpfs (parent→worker
 * and worker→parent, each with a single writer), a {@link PayloadArena} per direction for payloads
 * over {@link PayloadArena#INLINE_MAX_BYTES}, a mapped {@link ControlBlock}, and a {@link Doorbell}
 * over a Unix-domain socket that carries single wake-up bytes, never frames.
 *
 * <p>Sync is semaphore-style. A reader polls its queue, spins while {@link AdaptiveSpin} says work
 * has been coming soon enough to be worth it (and the pool-wide {@link SpinGate} has room), then
 * announces that it sleeps, re-checks the queue and blocks on the doorbell. A writer appends and
 * rings only a reader that announced: hot, a frame costs a Chronicle append and read; idle, a
 * sleeping reader costs no CPU. The parent's pool reader sleeps on many doorbells at once through
 * {@link #prepareSleep} and {@link #wakeups()}.
 *
 * <p>Threading: {@link #send} and {@link #trySend} from any thread (serialised by the send lock,
 * which owns the appender and the outbound arena); the reading methods from one reader at a time
 * (the read lock owns the tailer, the inbound arena and the look-ahead, and is never held while
 * blocked); {@link #close} from any thread, idempotent.
 *
 * <p>Files in a worker directory: {@code p2w/} and {@code w2p/} (the queues), {@code p2w.arena}
 * and {@code w2p.arena}, {@code control}, and while the worker starts, the doorbell socket.
 */
public final class ShmChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(ShmChannel.class);
    static final String CONTROL_FILE = "control";
    /** How long a blocking send waits between looks for arena room. */
    private static final long ARENA_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final String name;
    private final ChannelOptions options;
    private final SpinGate gate;
    private final Direction inbound;
    private final Direction outbound;
    private final ControlBlock control;
    private final FrameAppender appender;
    private final PayloadArena outArena;
    private final FrameTailer tailer;
    private final PayloadArena inArena;
    private final Doorbell doorbell;
    /** Set once a {@link #prepare} succeeded in this JVM: Chronicle Queue is loaded and warm here. */
    private static volatile boolean preparedInThisJvm;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Reader-owned: how long {@link #receive} spins, learned from its recent waits. */
    private final AdaptiveSpin spin;
    /** Reader-owned: a frame {@link #prepareSleep} found, returned by the next poll. */
    private Frame lookahead;
    /** Worker's main thread: JOB frames claimed or skipped so far, and the last one a withdrawal covers. */
    private long jobsClaimed;
    private long skipThrough;

    private ShmChannel(String name, ChannelOptions options, SpinGate gate, Direction inbound, ControlBlock control,
                       FrameAppender appender, PayloadArena outArena, FrameTailer tailer, PayloadArena inArena,
                       Doorbell doorbell) {
        this.name = name;
        this.options = options;
        this.gate = gate;
        this.inbound = inbound;
        this.outbound = inbound == Direction.P2W ? Direction.W2P : Direction.P2W;
        this.control = control;
        this.appender = appender;
        this.outArena = outArena;
        this.tailer = tailer;
        this.inArena = inArena;
        this.doorbell = doorbell;
        this.spin = new AdaptiveSpin(options.spinNanos());
    }

    /**
     * Parent, before forking the worker: makes {@code workerDir} (0700) with both queues, both
     * arenas and the control block. A directory left by an earlier worker of the same id is emptied
     * first, so that a new worker never reads its predecessor's frames; no live process may still
     * be using it.
     */
    public static void prepare(Path workerDir, ChannelOptions options) throws IOException {
        checkJvm();
        ShmQueues.checkSupported(options);
        ShmFiles.recreateDirectory(workerDir);
        for (Direction d : Direction.values()) {
            Path queueDir = ShmQueues.queueDir(workerDir, d);
            ShmFiles.createPrivateDirectory(queueDir);
            // Creates the queue's metadata with our roll cycle now, so the two sides never race to.
            ShmQueues.open(queueDir).close();
            PayloadArena.create(ShmQueues.arenaFile(workerDir, d), options.maxFrameBytes());
        }
        ControlBlock.create(workerDir.resolve(CONTROL_FILE));
        preparedInThisJvm = true;
    }

    /**
     * True once this JVM has prepared a worker's channel: Chronicle Queue's classes are loaded and
     * initialised here, so the next shm start costs no more than the worker's own boot.
     */
    public static boolean preparedInThisJvm() {
        return preparedInThisJvm;
    }

    /**
     * Parent, after the worker is gone: removes the directory {@link #prepare} made. Quiet: what it
     * cannot delete goes with the pool directory. Null is a no-op.
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

    /**
     * Parent side: writes p2w, reads w2p. Waits for the worker to connect to {@code listener} while
     * {@code workerStarting} holds, then closes the listener.
     */
    public static ShmChannel openParentSide(Path workerDir, DoorbellListener listener, BooleanSupplier workerStarting,
                                            ChannelOptions options, String name) throws IOException {
        SocketChannel socket;
        try (listener) {
            socket = listener.accept(workerStarting);
        }
        return open(workerDir, Direction.W2P, socket, options, name, SpinGate.forPool(workerDir.getParent()));
    }

    /** Worker side: writes w2p, reads p2w; connects to the doorbell the parent listens on. */
    public static ShmChannel openWorkerSide(Path workerDir, ChannelOptions options, String name) throws IOException {
        checkJvm();
        SocketChannel socket = DoorbellListener.connect(workerDir);
        return open(workerDir, Direction.P2W, socket, options, name, SpinGate.forPool(workerDir.getParent()));
    }

    static ShmChannel open(Path workerDir, Direction inbound, SocketChannel socket, ChannelOptions options,
                           String name, SpinGate gate) throws IOException {
        Objects.requireNonNull(socket, "socket");
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(socket);
        try {
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
            PayloadArena outArena = PayloadArena.open(ShmQueues.arenaFile(workerDir, outbound), options.maxFrameBytes());
            opened.add(outArena);
            PayloadArena inArena = PayloadArena.open(ShmQueues.arenaFile(workerDir, inbound), options.maxFrameBytes());
            opened.add(inArena);
            FrameAppender appender = new FrameAppender(ShmQueues.queueDir(workerDir, outbound));
            opened.add(appender);
            FrameTailer tailer = new FrameTailer(ShmQueues.queueDir(workerDir, inbound), options.maxFrameBytes(), name,
                    inArena, end -> control.releaseArena(inbound, end));
            opened.add(tailer);
            return new ShmChannel(name, options, gate, inbound, control, appender, outArena, tailer, inArena,
                    new Doorbell(socket, name));
        } catch (IOException e) {
            ShmFiles.closeAll(LOG, name, opened);
            throw e;
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: Chronicle failed to initialise (an ExceptionInInitializerError and the
            // NoClassDefFoundErrors after it); the caller may still fall back to the pipe.
            ShmFiles.closeAll(LOG, name, opened);
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
            while (!append(frame, handler)) {
                // The arena is full of payloads the reader has not copied out yet.
                if (doorbell.peerGone()) {
                    throw peerGone(); // and never will: nobody is left to free the space
                }
                sendLock.unlock();
                try {
                    LockSupport.parkNanos(this, ARENA_WAIT_NANOS);
                } finally {
                    sendLock.lock();
                }
            }
            ringIfAsleep();
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Refuses (false, nothing written) when another thread is sending, the queue is due to start
     * a new cycle file (creating and mapping a file costs milliseconds), or the arena has no room.
     * Rings a sleeping peer itself, with one non-blocking write.
     */
    @Override
    public boolean trySend(Frame frame, long nowNanos) throws IOException {
        byte[] handler = FrameCodec.checkSendable(frame, options.maxFrameBytes());
        if (!sendLock.tryLock()) {
            return false;
        }
        try {
            if (appender.wouldRoll(nowNanos) || !append(frame, handler)) {
                return false;
            }
            ringIfAsleep();
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public void recordJobStart(long jobId, int attempt) {
        control.recordJobStart(jobId, attempt);
    }

    @Override
    public boolean claimJob() {
        long n = ++jobsClaimed;
        if (n <= skipThrough) {
            return false;
        }
        if (control.claimJob(n)) {
            return true;
        }
        skipThrough = control.withdrawnThrough(); // the parent withdrew this one and maybe later ones
        control.withdrawalSeen(skipThrough);
        return n > skipThrough && control.claimJob(n);
    }

    @Override
    public long jobsClaimed() {
        return control.jobsClaimed();
    }

    @Override
    public boolean withdraw(long claimed, long through) {
        return control.withdraw(claimed, through);
    }

    /** The control block is never unmapped by hand, so this reads it safely after close too. */
    @Override
    public long[] lastJobStarted() {
        return control.lastJobStarted();
    }

    @Override
    public boolean holdsFrames() {
        return true;
    }

    /**
     * Holds small frames back in the appender ({@link FrameAppender#hold}), which writes them out
     * when a page of them is held. A frame for the arena goes now, after them.
     */
    @Override
    public void sendHeld(Frame frame) throws IOException {
        byte[] handler = FrameCodec.checkSendable(frame, options.maxFrameBytes());
        if (frame.payload().length > PayloadArena.INLINE_MAX_BYTES) {
            send(frame);
            return;
        }
        sendLock.lock();
        try {
            holdLocked(frame, handler);
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public void flushHeld() throws IOException {
        if (appender.heldFrames() == 0) {
            return; // nothing held: no lock to take
        }
        sendLock.lock();
        try {
            flushHeldLocked();
        } finally {
            sendLock.unlock();
        }
    }

    /** Under the send lock: holds the frame back, or writes a page of held frames with it held alone. */
    private void holdLocked(Frame frame, byte[] handler) throws IOException {
        ensureOpen();
        boolean wrote;
        try {
            wrote = appender.hold(frame, handler);
        } catch (RuntimeException e) {
            throw new ChannelException(name + ": could not hold a " + frame.type() + " frame for the shm queue", e);
        }
        if (wrote) {
            ringIfAsleep();
        }
    }

    /** Under the send lock: writes the held frames, if any, and wakes a sleeping reader for them. */
    private void flushHeldLocked() throws IOException {
        ensureOpen();
        boolean wrote;
        try {
            wrote = appender.flushHeld();
        } catch (RuntimeException e) {
            throw new ChannelException(name + ": could not append held frames to the shm queue", e);
        }
        if (wrote) {
            ringIfAsleep();
        }
    }

    /**
     * Holds a small frame back as {@link #sendHeld} does, under the same refusals as
     * {@link #trySend}; a frame for the arena is sent (or refused) as by {@link #trySend}.
     */
    @Override
    public boolean tryHold(Frame frame, long nowNanos) throws IOException {
        byte[] handler = FrameCodec.checkSendable(frame, options.maxFrameBytes());
        if (frame.payload().length > PayloadArena.INLINE_MAX_BYTES) {
            return trySend(frame, nowNanos);
        }
        return tryLocked(nowNanos, frame, handler);
    }

    @Override
    public boolean tryFlushHeld(long nowNanos) throws IOException {
        if (appender.heldFrames() == 0) {
            return true;
        }
        return tryLocked(nowNanos, null, null);
    }

    /**
     * Under the send lock if that needs no waiting, holds {@code frame}, or with {@code frame}
     * null writes what is held (no lambda: this is once a job for tiny jobs); false, with nothing
     * done, when another thread is sending or the queue is due to start a new cycle file.
     */
    private boolean tryLocked(long nowNanos, Frame frame, byte[] handler) throws IOException {
        if (!sendLock.tryLock()) {
            return false;
        }
        try {
            ensureOpen();
            if (appender.wouldRoll(nowNanos)) {
                return false;
            }
            if (frame == null) {
                flushHeldLocked();
            } else {
                holdLocked(frame, handler);
            }
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public int heldFrames() {
        return appender.heldFrames();
    }

    /** Under the send lock: false when the payload belongs in the arena and the arena is full. */
    private boolean append(Frame frame, byte[] handler) throws IOException {
        ensureOpen();
        try {
            if (frame.payload().length <= PayloadArena.INLINE_MAX_BYTES) {
                appender.append(frame, handler);
                return true;
            }
            if (appender.flushHeld()) {
                ringIfAsleep(); // before this frame, which may have to wait for room in the arena
            }
            int offset = outArena.place(frame.payload(), control.arenaReleased(outbound));
            if (offset < 0) {
                return false;
            }
            appender.appendArenaReference(frame, handler, offset, outArena.end());
            return true;
        } catch (RuntimeException e) {
            throw new ChannelException(name + ": could not append a " + frame.type() + " frame to the shm queue", e);
        }
    }

    /** After an append, under the send lock: rings the peer if it announced that it sleeps. */
    private void ringIfAsleep() throws ChannelClosedException {
        // Dekker, writer half: [publish frame] fence [read reader's flag]. The reader does
        // [set flag] fence [read queue]. Chronicle publishes the document with a release store,
        // which a later load may overtake (store-load reordering, even on x86), so without this
        // full fence we could read the flag as 0 from before the reader set it while the reader
        // re-checks the queue and misses our frame: both would wait, a lost wake-up. With the
        // fences on both sides at least one of us sees the other's write: either the reader's
        // re-check finds the frame, or we see the flag and ring.
        VarHandle.fullFence();
        if (!control.claimSleeper(outbound)) {
            return;
        }
        control.countRing(outbound);
        try {
            doorbell.ring();
        } catch (IOException e) {
            throw new ChannelClosedException(name + ": peer closed the doorbell (" + e.getMessage() + ")");
        }
    }

    @Override
    public Frame receive() throws IOException {
        long start = System.nanoTime();
        Frame frame = poll();
        if (frame == null) {
            frame = SpinWait.spin(this::poll, spin.budgetNanos(), gate);
        }
        while (frame == null) {
            // Dekker, reader half: the CAS that sets the flag is sequentially consistent, so the
            // re-check below cannot read the queue from before the flag was visible (see ringIfAsleep).
            control.announceSleep(inbound);
            frame = poll();
            if (frame != null) {
                // If the writer cleared the flag first it has rung or will ring: that byte becomes
                // one spurious wake-up next time. Clearing it here saves the writer a needless ring.
                control.cancelSleep(inbound);
                break;
            }
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
            } else {
                control.countWakeup(inbound);
                control.cancelSleep(inbound);
            }
        }
        spin.record(System.nanoTime() - start);
        return frame;
    }

    @Override
    public Frame poll() throws IOException {
        readLock.lock();
        try {
            ensureOpen();
            Frame frame = lookahead;
            if (frame != null) {
                lookahead = null;
                return frame;
            }
            try {
                frame = tailer.poll();
            } catch (RuntimeException e) {
                throw new ChannelException(name + ": could not read the shm queue", e);
            }
            if (frame == null && doorbell.peerGone()) {
                throw peerGone(); // everything the peer sent before it went has been read
            }
            return frame;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * True when the next poll might have to wait a moment: the inbound queue may be moving to its
     * next cycle file, once a minute ({@link FrameTailer#mayMoveToNextCycle}). False when a frame
     * is already held back for the next poll, or waits in a document already read.
     */
    @Override
    public boolean readMayWait() {
        readLock.lock();
        try {
            return lookahead == null && !closed.get() && !tailer.holdsFrames() && tailer.mayMoveToNextCycle();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public boolean prepareSleep() throws IOException {
        control.announceSleep(inbound); // a CAS: sequentially consistent, see ringIfAsleep
        Frame frame = poll();
        if (frame == null) {
            return true;
        }
        control.cancelSleep(inbound);
        readLock.lock();
        try {
            lookahead = frame;
        } finally {
            readLock.unlock();
        }
        return false;
    }

    @Override
    public void cancelSleep() {
        control.cancelSleep(inbound);
    }

    @Override
    public SelectableChannel wakeups() {
        return doorbell.selectable();
    }

    @Override
    public boolean drainWakeups() {
        return doorbell.drain();
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

    /**
     * Queue documents and frames this side has read so far, as {@code {documents, frames}} (for
     * tests and tuning): frames the peer {@linkplain #sendHeld held back} share a document.
     */
    public long[] inboundDocumentsAndFrames() {
        readLock.lock();
        try {
            return new long[] {tailer.documents(), tailer.frames()};
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Queue documents and frames this side has written so far, as {@code {documents, frames}} (for
     * tests and tuning): frames held back ({@link #sendHeld}, {@link #tryHold}) share a document.
     */
    public long[] outboundDocumentsAndFrames() {
        sendLock.lock();
        try {
            return new long[] {appender.documents(), appender.frames()};
        } finally {
            sendLock.unlock();
        }
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
     * Wakes our reader (it throws {@link ChannelClosedException}), gives the peer end of stream on
     * its doorbell, then closes the queues and unmaps the arenas once no send or poll is using them.
     * Never unmaps memory another thread might still touch: sends hold the send lock, polls the
     * read lock.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        doorbell.close();
        sendLock.lock();
        try {
            ShmFiles.closeAll(LOG, name, List.of(appender, outArena));
        } finally {
            sendLock.unlock();
        }
        readLock.lock();
        try {
            ShmFiles.closeAll(LOG, name, List.of(tailer, inArena));
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ShmChannel[" + name + "]";
    }
}
