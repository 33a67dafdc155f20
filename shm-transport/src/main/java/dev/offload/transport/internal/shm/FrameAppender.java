package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Writes frames into one direction's queue, one Chronicle document per frame, in the wire form of
 * {@link FrameCodec} (so a document is exactly the bytes the pipe transport would send).
 *
 * <p>Not thread-safe: the owning channel calls {@link #append} and {@link #close} under its send
 * lock. Chronicle's own single-thread check is off because that lock, not a fixed thread, is what
 * serialises the appender. No garbage per frame: a frame is assembled in one reused buffer and
 * copied into the queue with one write (each Chronicle write has a fixed cost well above that of
 * copying a few dozen bytes twice).
 */
final class FrameAppender implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    /** Big enough for any frame that travels in the queue: header, handler name, inline payload or arena reference. */
    private final ByteBuffer frameBuffer = ByteBuffer.allocate(FrameCodec.HEADER_BYTES + ChannelOptions.MAX_HANDLER_BYTES
            + Math.max(PayloadArena.INLINE_MAX_BYTES, FrameCodec.ARENA_REF_BYTES));
    private boolean appended;

    FrameAppender(Path queueDir) {
        this.queue = ShmQueues.open(queueDir);
        try {
            this.appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    /**
     * Appends one frame; it is visible to the reader when this returns. Chronicle publishes the
     * document by writing its length header last with a release store: readers that see the header
     * see the bytes.
     */
    void append(Frame frame, byte[] handlerBytes) {
        frameBuffer.clear();
        FrameCodec.encode(frame, handlerBytes, frameBuffer);
        write();
    }

    /**
     * Appends a frame whose payload the caller has placed in the arena at {@code offset}; the
     * reader releases the arena up to {@code end} once it has copied it out.
     */
    void appendArenaReference(Frame frame, byte[] handlerBytes, int offset, long end) {
        frameBuffer.clear();
        FrameCodec.encodeArenaFrame(frame, handlerBytes, offset, end, frameBuffer);
        write();
    }

    /** One document: what {@link #frameBuffer} holds. */
    private void write() {
        DocumentContext dc = appender.writingDocument();
        try {
            Bytes<?> bytes = dc.wire().bytes();
            bytes.write(frameBuffer.array(), 0, frameBuffer.position());
        } catch (RuntimeException e) {
            dc.rollbackOnClose();
            throw e;
        } finally {
            dc.close();
        }
        appended = true;
    }

    /**
     * True when the next append would start a new cycle file (the clock has passed the cycle of
     * the last append, or nothing was appended yet): creating and mapping a file costs the writer
     * milliseconds, so {@link ShmChannel#trySend} leaves that to an ordinary send.
     */
    boolean wouldRoll() {
        return !appended || appender.cycle() != queue.cycle();
    }

    @Override
    public void close() {
        try {
            appender.close();
        } finally {
            queue.close();
        }
    }
}
