package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelException;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.FrameCodec;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;

import java.nio.file.Path;

/**
 * How every Offload queue is built, in one place, so that {@code prepare} and both sides agree
 * (Chronicle stores the roll cycle in the queue's metadata and overrides a builder that differs).
 */
final class ShmQueues {
    /**
     * One cycle file per minute. The queue carries only small documents (large payloads go through
     * the {@link PayloadArena}), so a minute of even a busy pool's frames is tens of megabytes, and
     * the reader deletes each file once it has moved past it. A roll costs the writer one to a few
     * milliseconds, so it stays off the per-second path; an idle queue does not roll.
     */
    static final RollCycle ROLL_CYCLE = LegacyRollCycles.MINUTELY;

    /**
     * How long before its cycle ends a tailer counts as possibly moving to the next one
     * ({@link FrameTailer#mayMoveToNextCycle}): covers a reader preempted between that check and
     * its read. While it does, an event loop leaves the reading of that queue to the pool's reader
     * thread, 10 ms a minute.
     */
    static final long CYCLE_EDGE_MILLIS = 10;

    /** Largest maxFrameBytes the shm transport accepts; larger frames belong on the pipe. */
    static final long MAX_FRAME_BYTES = 256L << 20;

    private static final long BLOCK_SIZE = 4L << 20;

    private ShmQueues() {
    }

    static Path queueDir(Path workerDir, Direction direction) {
        return workerDir.resolve(direction.dirName());
    }

    static Path arenaFile(Path workerDir, Direction direction) {
        return workerDir.resolve(direction.dirName() + PayloadArena.SUFFIX);
    }

    static void checkSupported(ChannelOptions options) throws ChannelException {
        if (options.maxFrameBytes() > MAX_FRAME_BYTES) {
            throw new ChannelException("the shm transport takes transport.maxFrameBytes up to " + MAX_FRAME_BYTES
                    + " bytes (got " + options.maxFrameBytes() + "): lower it or use the pipe transport");
        }
    }

    /**
     * The most bytes of frames written together as one document ({@link FrameAppender#hold}): a
     * page, room for a hundred small answers.
     */
    static final int HELD_DOCUMENT_BYTES = 4096;

    /**
     * Bytes of the largest document: payloads over {@link PayloadArena#INLINE_MAX_BYTES} travel in
     * the arena, so a document holds a header, a handler name and a small payload or a reference;
     * or frames held back and written together, {@link #HELD_DOCUMENT_BYTES} at most.
     */
    static long maxDocumentBytes() {
        return Math.max(HELD_DOCUMENT_BYTES, FrameCodec.HEADER_BYTES + ChannelOptions.MAX_HANDLER_BYTES
                + Math.max(PayloadArena.INLINE_MAX_BYTES, FrameCodec.ARENA_REF_BYTES));
    }

    /**
     * Chronicle maps a cycle file in blocks of this size and refuses a document bigger than a
     * quarter of one; documents are small, so the block only sets how often the writer maps the
     * next stretch of file. On tmpfs the file is sparse: pages cost memory only when written.
     */
    static long blockSize() {
        return BLOCK_SIZE;
    }

    /** The cycle that the wall-clock time {@code millis} falls in, as the queue's writer counts cycles. */
    static int cycleAt(long millis) {
        return (int) Math.floorDiv(millis - ROLL_CYCLE.defaultEpoch(), (long) ROLL_CYCLE.lengthInMillis());
    }

    /** The first wall-clock millisecond of {@code cycle}: the inverse of {@link #cycleAt}. */
    static long cycleStartMillis(int cycle) {
        return (long) cycle * ROLL_CYCLE.lengthInMillis() + ROLL_CYCLE.defaultEpoch();
    }

    static SingleChronicleQueue open(Path queueDir) {
        return SingleChronicleQueueBuilder.binary(queueDir)
                .rollCycle(ROLL_CYCLE)
                .blockSize(blockSize())
                .build();
    }
}
