package dev.offload.transport.internal;

import java.io.IOException;
import java.nio.channels.SelectableChannel;

/**
 * A two-way, ordered, frame-at-a-time link between the parent and one worker.
 *
 * <p>Two ways to read. A worker blocks in {@link #receive}. The parent's pool reads many channels
 * from one reader role: it {@link #poll}s each, and when none has anything it arms each channel's
 * wake-up ({@link #prepareSleep}) and sleeps in one {@code Selector} on all their
 * {@link #wakeups()} at once.
 *
 * <p>Threading contract: {@link #send} and {@link #trySend} may be called from any thread (sends
 * are serialised inside); {@link #receive}, {@link #poll}, {@link #readMayWait}, {@link #prepareSleep},
 * {@link #cancelSleep} belong to one reader at a time (a new reader must see the previous one's
 * writes: hand the role over through a volatile write or a CAS). {@link #drainWakeups} may also
 * be called by two threads at once, while the wake-ups move from one selector to another (the
 * pool's reader thread and an attached event loop).
 * {@link #close} may be called from any thread, is idempotent, and wakes a reader blocked in
 * {@link #receive} with a {@link ChannelClosedException}.
 */
public interface Channel extends AutoCloseable {

    /**
     * Sends a frame, waiting if the channel has no room yet. Frames whose payload exceeds the
     * channel's {@code maxFrameBytes} are refused with {@link FrameTooLargeException} before
     * anything is written, and the channel stays usable.
     */
    void send(Frame frame) throws IOException;

    /**
     * Sends {@code frame} only if that needs no waiting (for another sender, for room, for a new
     * file); otherwise sends nothing and returns false. Never blocks: the pool's {@code submit()}
     * calls it on the caller's thread. It may make one non-blocking system call, to wake a peer
     * that sleeps.
     */
    default boolean trySend(Frame frame) throws IOException {
        return trySend(frame, System.nanoTime());
    }

    /**
     * As {@link #trySend(Frame)}, for a sender that has just read the clock: {@code nowNanos}, a
     * {@link System#nanoTime}, saves the channel its own clock read (a read costs tens of
     * nanoseconds, a fair part of a small job's cost).
     */
    boolean trySend(Frame frame, long nowNanos) throws IOException;

    /**
     * True when {@link #sendHeld} may really hold frames back (shm); false when it sends at once
     * (pipe), and a sender need not look ahead to decide.
     */
    default boolean holdsFrames() {
        return false;
    }

    /**
     * Sends {@code frame}, but may hold it back until the next {@link #send} or {@link #flushHeld}, so
     * that several frames go out together: for a sender that knows another frame follows within
     * microseconds (a worker that has the next tiny job in hand). The peer sees nothing of it
     * until then, so the sender must flush before it waits for anything. Held frames keep their
     * order with every later frame, whichever thread sends it. By default, sends now.
     */
    default void sendHeld(Frame frame) throws IOException {
        send(frame);
    }

    /** Sends what {@link #sendHeld} holds back, if anything (and wakes the peer for it). */
    default void flushHeld() throws IOException {
    }

    /**
     * As {@link #trySend(Frame, long)}, but the frame may be held back as {@link #sendHeld} holds
     * it, until the next send or flush: for the parent's dispatch, which knows the worker has jobs
     * enough ahead of this one and that a flush follows (see {@link #tryFlushHeld}). Never blocks;
     * false when nothing was sent or held. By default, {@link #trySend(Frame, long)}.
     */
    default boolean tryHold(Frame frame, long nowNanos) throws IOException {
        return trySend(frame, nowNanos);
    }

    /**
     * Sends what is held back if that needs no waiting; true when nothing is held any more, false
     * when the frames stay held (another thread is sending, or the write would start a new file):
     * the caller then leaves them to {@link #flushHeld} on a thread that may wait. Never blocks.
     */
    default boolean tryFlushHeld(long nowNanos) throws IOException {
        return true;
    }

    /** How many frames are held back now; a hint, readable from any thread. */
    default int heldFrames() {
        return 0;
    }

    /**
     * Worker side: records that the worker's main thread starts this job now, where the parent can
     * read it even after the worker's process is gone ({@link #lastJobStarted}). A worker that holds
     * answers back ({@link #sendHeld}) dies with jobs done but unanswered ahead of the one it ran:
     * only this tells them apart. By default, records nothing.
     */
    default void recordJobStart(long jobId, int attempt) {
    }

    /**
     * Worker side, as it is about to run the JOB frame it read last: true when it may, false when
     * the parent {@linkplain #withdraw withdrew} that frame (another worker runs the job; this one
     * skips it without an answer). Every JOB frame read must pass here once, in order: the count
     * is how the two sides name a frame. By default (a transport that cannot withdraw), true.
     */
    default boolean claimJob() {
        return true;
    }

    /**
     * Parent side: how many JOB frames the worker has {@linkplain #claimJob claimed} (started or
     * skipped); -1 when this transport cannot withdraw frames, or a withdrawal is not yet seen.
     */
    default long jobsClaimed() {
        return -1;
    }

    /**
     * Parent side: withdraws the JOB frames after the {@code claimed}-th through the
     * {@code through}-th sent (counting from 1); true when the worker will start none of them (it
     * had claimed exactly {@code claimed}), false when it claimed another first and nothing changed.
     */
    default boolean withdraw(long claimed, long through) {
        return false;
    }

    /**
     * Parent side: the job id and attempt the worker last {@linkplain #recordJobStart recorded}
     * starting, as {@code {jobId, attempt}}; null when this transport records none. Readable after
     * the worker died and after {@link #close}.
     */
    default long[] lastJobStarted() {
        return null;
    }

    /**
     * Waits for the next frame. Throws {@link ChannelClosedException} when the peer has gone (clean
     * end of stream) or the channel was closed, {@link CorruptFrameException} when the bytes are not
     * a frame (after which the channel is unusable: there is no way to find the next frame boundary).
     */
    Frame receive() throws IOException;

    /** The next frame if one has arrived, else {@code null} without waiting. Same exceptions as {@link #receive}. */
    Frame poll() throws IOException;

    /**
     * True when the next {@link #poll} (or {@link #prepareSleep}, which polls) might wait a moment
     * instead of answering at once, however briefly; a reader that must never block (an event loop)
     * then leaves this channel to one that may. False on a channel whose polls never wait. Belongs
     * to the reader, like {@link #poll}.
     */
    default boolean readMayWait() {
        return false;
    }

    /**
     * The reader is about to sleep on {@link #wakeups()}: arms the wake-up, so that the next frame
     * the peer sends makes it readable. Returns false (and disarms) when a frame arrived meanwhile:
     * {@link #poll} again instead of sleeping. No frame can slip between a true answer and the sleep.
     */
    boolean prepareSleep() throws IOException;

    /** The reader stays awake after all: disarms what {@link #prepareSleep} armed, so the peer need not wake anyone. */
    void cancelSleep();

    /**
     * Readable once a frame arrived after {@link #prepareSleep}, or when the peer is gone; for a
     * {@code Selector} (register it non-blocking for {@code OP_READ}). Null on a channel that cannot
     * be watched this way (a worker's end): use {@link #receive}.
     */
    SelectableChannel wakeups();

    /**
     * Consumes what made {@link #wakeups()} readable, without blocking. Returns true when the peer
     * is gone: {@link #poll} until it throws, to read what the peer sent before it went.
     */
    boolean drainWakeups();

    /** {@code "shm"} or {@code "pipe"}. */
    String kind();

    @Override
    void close();
}
