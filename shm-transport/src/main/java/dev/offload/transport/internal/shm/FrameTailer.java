package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.CorruptFrameException;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Reads frames from one direction's queue, and deletes the cycle files it has finished with.
 *
 * <p>Not thread-safe: the owning channel calls it under its read lock.
 *
 * <p>Deleting: this tailer is the queue's only reader, and it moves to cycle {@code c + 1} only
 * after the writer has finished cycle {@code c} (written its end-of-cycle marker and started the
 * next file). So when the tailer's cycle changes, every older cycle file is done with on both
 * sides and is deleted, by {@link FinishedCycles}' thread rather than this one. The writer may still
 * have an old file mapped; on Linux unlinking a mapped file is safe, and tmpfs frees the pages when
 * the last mapping goes.
 */
final class FrameTailer implements AutoCloseable {
    /** Frames up to this size are decoded through one reused buffer; bigger ones get their own. */
    private static final int RETAINED_BUFFER_BYTES = 64 * 1024;

    private final Path queueDir;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final long maxFrameBytes;
    private final long maxDocumentBytes;
    private final String source;
    private final PayloadArena arena;
    private final LongConsumer releaseArena;
    private ByteBuffer scratch = ByteBuffer.allocate(1024);
    /** The frames of the last document read that no poll has returned yet, from its position; null when none. */
    private ByteBuffer rest;
    private long documents;
    private long frames;
    private int cycle = Integer.MIN_VALUE;
    /** The handler of the last frame read that named one, for a frame that repeats it (null: none yet). */
    private String lastHandler;
    /** Wall-clock milliseconds, as the queue's writer rolls by them. */
    private final LongSupplier clock;

    /**
     * @param arena        where the writer puts large payloads
     * @param releaseArena told how far the arena may be reused, after each large payload is copied out
     */
    FrameTailer(Path queueDir, long maxFrameBytes, String source, PayloadArena arena, LongConsumer releaseArena) {
        this(queueDir, maxFrameBytes, source, arena, releaseArena, System::currentTimeMillis);
    }

    /** {@code clock}: wall-clock milliseconds for {@link #mayMoveToNextCycle} (a test passes its own). */
    FrameTailer(Path queueDir, long maxFrameBytes, String source, PayloadArena arena, LongConsumer releaseArena,
                LongSupplier clock) {
        this.clock = clock;
        this.queueDir = queueDir;
        this.arena = arena;
        this.releaseArena = releaseArena;
        this.maxFrameBytes = maxFrameBytes;
        this.maxDocumentBytes = ShmQueues.maxDocumentBytes();
        this.source = source;
        this.queue = ShmQueues.open(queueDir);
        try {
            this.tailer = queue.createTailer();
            // The channel's read lock, not a fixed thread, serialises this tailer.
            tailer.singleThreadedCheckDisabled(true);
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    /**
     * True when the next {@link #poll} might move this tailer to the queue's next cycle file: the
     * wall clock is in a later cycle than the tailer, or will be within {@link ShmQueues#CYCLE_EDGE_MILLIS}.
     * Moving is the one part of a poll that can wait: Chronicle maps the next file and, if its writer
     * has created it but not yet written its header, pauses (yields, then parks) until it has; and
     * this tailer then has the finished files deleted. A reader that must never block (an event loop)
     * leaves such a poll to one that may. A few tens of nanoseconds: a clock read and a division.
     */
    boolean mayMoveToNextCycle() {
        return tailer.cycle() != ShmQueues.cycleAt(clock.getAsLong() + ShmQueues.CYCLE_EDGE_MILLIS);
    }

    /** The next frame, or null when the writer has not published one yet. Never blocks. */
    Frame poll() throws CorruptFrameException {
        if (rest != null) {
            return next(rest);
        }
        ByteBuffer buf;
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            buf = copyOut(dc.wire().bytes());
        }
        documents++;
        int now = tailer.cycle();
        if (now != cycle) {
            cycle = now;
            deleteFinishedCycles();
        }
        return next(buf);
    }

    /** Documents read so far. */
    long documents() {
        return documents;
    }

    /** Frames read so far: more than {@link #documents} when the writer held frames back and wrote them together. */
    long frames() {
        return frames;
    }

    /** True when frames of a document already read wait for the next {@link #poll}s. */
    boolean holdsFrames() {
        return rest != null;
    }

    /** The document's bytes, in a buffer of ours (Chronicle's are only valid inside the read). */
    private ByteBuffer copyOut(Bytes<?> bytes) throws CorruptFrameException {
        long length = bytes.readRemaining();
        if (length > maxDocumentBytes) {
            // Checked before allocating: a hostile or corrupt document must not size our buffers.
            throw new CorruptFrameException(source + ": a document of " + length + " bytes is larger than any frame "
                    + "document can be (" + maxDocumentBytes + " bytes: large payloads travel in the arena)");
        }
        int len = (int) length;
        ByteBuffer buf = buffer(len);
        int read = bytes.read(buf.array(), 0, len);
        buf.limit(Math.max(read, 0));
        return buf;
    }

    /**
     * The frame at {@code buf}'s position; the rest of the document, if any, is kept for the next
     * poll (a writer may put frames it held back into one document, {@link FrameAppender#hold}).
     * A frame whose payload is in the arena fills its document alone ({@link FrameCodec#readHeader}
     * checks it).
     */
    private Frame next(ByteBuffer buf) throws CorruptFrameException {
        frames++;
        rest = null; // a corrupt frame ends the channel: nothing after it is read
        FrameCodec.Header header = FrameCodec.readHeader(buf, maxFrameBytes, source);
        Frame frame;
        if (header.inArena()) {
            frame = header.toFrame(arena.copyOut(header.arenaOffset(), header.payloadLength(), source));
            releaseArena.accept(header.arenaEnd());
        } else {
            frame = FrameCodec.readBody(header, buf, lastHandler, source);
            if (buf.hasRemaining()) {
                rest = buf;
            }
        }
        if (!frame.handler().isEmpty()) {
            lastHandler = frame.handler();
        }
        return frame;
    }

    private ByteBuffer buffer(int length) {
        if (length > scratch.capacity()) {
            if (length > RETAINED_BUFFER_BYTES) {
                return ByteBuffer.allocate(length);
            }
            scratch = ByteBuffer.allocate(RETAINED_BUFFER_BYTES);
        }
        return scratch.clear();
    }

    /** The cycle files before the tailer's current one are finished: they go, off this thread. */
    private void deleteFinishedCycles() {
        File current = tailer.currentFile();
        if (current != null) {
            FinishedCycles.deleteBefore(queueDir, current.getName(), source);
        }
    }

    @Override
    public void close() {
        try {
            tailer.close();
        } finally {
            queue.close();
        }
    }
}
