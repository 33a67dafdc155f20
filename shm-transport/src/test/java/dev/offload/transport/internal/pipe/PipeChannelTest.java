package dev.offload.transport.internal.pipe;

import dev.offload.transport.internal.ChannelContractTest;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.MemoryPipe;

import java.io.IOException;

/**
 * The channel contract over a pair of byte pipes standing in for the worker's stdin and stdout:
 * the parent's end a {@link PumpedPipeChannel}, the worker's a {@link PipeChannel}.
 * {@link MemoryPipe} rather than java.nio's Pipe: PipeChannel.poll() relies on available(), which
 * java.nio's pipe streams never report (a process pipe's FileInputStream does).
 */
class PipeChannelTest extends ChannelContractTest {
    private MemoryPipe toWorker;

    @Override
    protected Endpoints open(ChannelOptions options) throws IOException {
        toWorker = new MemoryPipe();
        MemoryPipe toParent = new MemoryPipe();
        return new Endpoints(
                new PumpedPipeChannel(toParent.in(), toWorker.out(), options, PARENT, "test"),
                new PipeChannel(toWorker.in(), toParent.out(), options, WORKER));
    }

    @Override
    protected void injectTowardWorker(byte[] raw) throws IOException {
        toWorker.out().write(raw);
    }

    @Override
    protected void endParentStream() throws IOException {
        toWorker.out().close();
    }

    @Override
    protected void closeFixture() {
        // the channels closed every stream
    }
}
