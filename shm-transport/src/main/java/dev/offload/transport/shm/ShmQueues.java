package dev.offload.transport.shm;

import dev.offload.transport.ChannelException;
import dev.offload.transport.ChannelOptions;
import dev.offload.transport.FrameCodec;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

import java.nio.file.Path;

/**
 * How every Offload queue is built, in one place, so that {@code prepare} and both sides agree
 * (Chronicle stores the roll cycle in the queue's metadata and overrides a builder that differs).
 */
final class ShmQueues {
    /**
     * One cycle file per second. A reader deletes each file as soon as it has moved past it, so a
     * busy pool keeps about two seconds of traffic per direction on tmpfs instead of minutes; and
     * no per-cycle message limit can be reached (2^32 per second). A roll costs the writer one to a
     * few milliseconds and the reader about half that (measured on /dev/shm, 2 cores), once per
     * second of traffic; an idle queue does not roll.
     * The name says "test" but the cycle is an ordinary, stable format (yyyyMMdd-HHmmss'T').
     */
    static final RollCycle ROLL_CYCLE = TestRollCycles.TEST_SECONDLY;

    /** Largest maxFrameBytes the shm transport accepts; larger frames belong on the pipe. */
    static final long MAX_FRAME_BYTES = 256L << 20;

    private static final long MIN_BLOCK_SIZE = 256L << 10;

    private ShmQueues() {
    }

    static Path queueDir(Path workerDir, Direction direction) {
        return workerDir.resolve(direction.dirName());
    }

    static void checkSupported(ChannelOptions options) throws ChannelException {
        if (options.maxFrameBytes() > MAX_FRAME_BYTES) {
            throw new ChannelException("the shm transport takes transport.maxFrameBytes up to " + MAX_FRAME_BYTES
                    + " bytes (got " + options.maxFrameBytes() + "): lower it or use the pipe transport");
        }
    }

    /** Bytes of the largest document a frame within the limit can make. */
    static long maxDocumentBytes(long maxFrameBytes) {
        return FrameCodec.HEADER_BYTES + ChannelOptions.MAX_HANDLER_BYTES + maxFrameBytes;
    }

    /**
     * Chronicle maps a cycle file in blocks and refuses a document bigger than a quarter of one
     * (the overlap between consecutive mappings), so the block is four times the largest document,
     * rounded up to a power of two. On tmpfs the file is sparse: pages cost memory only when written.
     */
    static long blockSize(long maxFrameBytes) {
        long needed = 4 * maxDocumentBytes(maxFrameBytes);
        long size = Long.highestOneBit(needed);
        if (size < needed) {
            size <<= 1;
        }
        return Math.max(MIN_BLOCK_SIZE, size);
    }

    static SingleChronicleQueue open(Path queueDir, long maxFrameBytes) {
        return SingleChronicleQueueBuilder.binary(queueDir)
                .rollCycle(ROLL_CYCLE)
                .blockSize(blockSize(maxFrameBytes))
                .build();
    }
}
