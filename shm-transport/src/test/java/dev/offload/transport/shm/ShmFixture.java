package dev.offload.transport.shm;

import dev.offload.transport.ChannelOptions;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Path;

/**
 * A parent-side and a worker-side {@link ShmChannel} in one JVM, with java.nio pipes as the two
 * doorbells, under a fresh {@link TestShmBase}. Closing it closes both channels and checks that
 * the pool directory left nothing behind.
 */
final class ShmFixture implements AutoCloseable {
    final TestShmBase base;
    final ShmDirectory pool;
    final Path workerDir;
    final ShmChannel parent;
    final ShmChannel worker;
    private final Pipe toWorkerBell;
    private final Pipe toParentBell;

    ShmFixture(ChannelOptions options, SpinGate gate) throws IOException {
        base = TestShmBase.create();
        pool = ShmDirectory.create(base.path());
        workerDir = pool.workerDir("w0");
        ShmChannel.prepare(workerDir);
        toWorkerBell = Pipe.open();
        toParentBell = Pipe.open();
        parent = ShmChannel.open(workerDir, Direction.W2P, Channels.newInputStream(toParentBell.source()),
                Channels.newOutputStream(toWorkerBell.sink()), options, "parent", gate);
        worker = ShmChannel.open(workerDir, Direction.P2W, Channels.newInputStream(toWorkerBell.source()),
                Channels.newOutputStream(toParentBell.sink()), options, "worker", gate);
    }

    @Override
    public void close() throws IOException {
        try {
            parent.close();
            worker.close();
            for (Pipe pipe : new Pipe[] {toWorkerBell, toParentBell}) {
                pipe.sink().close();
                pipe.source().close();
            }
            pool.close();
        } finally {
            base.assertEmptyAndDelete();
        }
    }
}
