package dev.offload.transport;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * A two-way, ordered, frame-at-a-time link between the parent and one worker.
 *
 * <p>Threading contract: {@link #send} may be called from any thread (sends are serialised
 * inside); {@link #receive} and {@link #poll} belong to one reader thread at a time. {@link #close}
 * may be called from any thread, is idempotent, and wakes a reader blocked in {@link #receive}
 * with a {@link ChannelClosedException}.
 */
public interface Channel extends AutoCloseable {

    /**
     * Sends a frame. Frames whose payload exceeds the channel's {@code maxFrameBytes} are refused
     * with {@link FrameTooLargeException} before anything is written, and the channel stays usable.
     */
    void send(Frame frame) throws IOException;

    /**
     * Sends {@code frame} only if this thread can do it at once, without a system call and without
     * waiting for another sender; otherwise sends nothing and returns false, and the caller sends
     * the frame the ordinary way from a thread that may block. For the pool's {@code submit()},
     * which must never block but may hand a job straight to a worker that is waiting for one.
     *
     * <p>If the peer fell asleep just as the frame went in, waking it is left to this channel's
     * reader: its next {@link #receive} or {@link #poll} rings first. So call this only when a
     * reader is about to read (the pool's slot thread, which waits for the job's answer).
     *
     * <p>The pipe channel always refuses: a pipe write can block when the pipe is full.
     */
    default boolean trySend(Frame frame) throws IOException {
        return false;
    }

    /**
     * Waits for the next frame. Throws {@link ChannelClosedException} when the peer has gone (clean
     * end of stream) or the channel was closed, {@link CorruptFrameException} when the bytes are not
     * a frame (after which the channel is unusable: there is no way to find the next frame boundary).
     */
    Frame receive() throws IOException;

    /**
     * The next frame if one has at least begun to arrive, else {@code null} without waiting. Same
     * exceptions as {@link #receive}.
     */
    Frame poll() throws IOException;

    /**
     * Waits for {@code ready} by spinning, within the same budget a reader spins for before it
     * sleeps ({@code transport.shm.spin}, and only if the pool-wide spin gate has room); returns
     * {@code ready}'s last answer. For a thread that wants to notice other work without being
     * woken (a wake-up costs more than the whole shm round trip): the pool's slot thread watches for
     * work this way for a moment after each job, and a caller reading its own answer polls this
     * way. Channels that never spin (the pipe) answer at once. Never blocks; safe from any thread.
     */
    default boolean spinWait(BooleanSupplier ready) {
        return ready.getAsBoolean();
    }

    /** {@code "shm"} or {@code "pipe"}. */
    String kind();

    @Override
    void close();
}
