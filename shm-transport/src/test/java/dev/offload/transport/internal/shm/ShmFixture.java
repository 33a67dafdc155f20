package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelOptions;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A parent-side and a worker-side {@link ShmChannel} in one JVM, connected through a real doorbell
 * socket, under a fresh {@link TestShmBase}. Closing it closes both channels and checks that the
 * pool directory left nothing behind.
 */
final class ShmFixture implements AutoCloseable {
    final TestShmBase base;
    final ShmDirectory pool;
    final Path workerDir;
    final ShmChannel parent;
    final ShmChannel worker;

    ShmFixture(ChannelOptions options, SpinGate gate) throws IOException {
        this(options, gate, "parent", "worker");
    }

    ShmFixture(ChannelOptions options, SpinGate gate, String parentName, String workerName) throws IOException {
        base = TestShmBase.create();
        pool = ShmDirectory.create(base.path());
        workerDir = pool.workerDir("w0");
        ShmChannel.prepare(workerDir, options);
        ShmChannel[] ends = connect(workerDir, options, gate, parentName, workerName);
        parent = ends[0];
        worker = ends[1];
    }

    /**
     * Both ends of a prepared worker directory, in this JVM: the worker connects to the parent's
     * doorbell listener as a forked worker would.
     */
    static ShmChannel[] connect(Path workerDir, ChannelOptions options, SpinGate gate, String parentName,
                                String workerName) throws IOException {
        SocketChannel parentSocket;
        SocketChannel workerSocket;
        try (DoorbellListener listener = DoorbellListener.listen(workerDir)) {
            workerSocket = DoorbellListener.connect(workerDir);
            parentSocket = listener.accept(() -> true);
        }
        ShmChannel parent = ShmChannel.open(workerDir, Direction.W2P, parentSocket, options, parentName, gate);
        ShmChannel worker = ShmChannel.open(workerDir, Direction.P2W, workerSocket, options, workerName, gate);
        return new ShmChannel[] {parent, worker};
    }

    @Override
    public void close() throws IOException {
        try {
            parent.close();
            worker.close();
            pool.close();
        } finally {
            base.assertEmptyAndDelete();
        }
    }
}
