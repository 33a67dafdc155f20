package dev.offload.transport;

import java.io.IOException;

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

    /** {@code "shm"} or {@code "pipe"}. */
    String kind();

    @Override
    void close();
}
