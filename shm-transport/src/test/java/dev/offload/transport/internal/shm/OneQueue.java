package dev.offload.transport.internal.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One direction's files for a test that drives a {@link FrameAppender} and a {@link FrameTailer}
 * directly: the queue directory, made as {@code prepare} makes it, and its arena. {@link #close}
 * deletes both, so the test's shm base is left empty.
 */
record OneQueue(Path queueDir, Path arenaFile) implements AutoCloseable {
    static OneQueue create(Path base, long maxFrameBytes) throws IOException {
        OneQueue q = new OneQueue(base.resolve("q"), base.resolve("q" + PayloadArena.SUFFIX));
        Files.createDirectories(q.queueDir);
        ShmQueues.open(q.queueDir).close();
        PayloadArena.create(q.arenaFile, maxFrameBytes);
        return q;
    }

    @Override
    public void close() throws IOException {
        ShmFiles.deleteRecursively(queueDir);
        Files.deleteIfExists(arenaFile);
    }
}
