package dev.offload.transport.internal;

import dev.offload.transport.internal.pipe.PipeChannel;
import dev.offload.transport.internal.shm.ShmChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Opens the worker's end of the channel a {@link ChannelSpec} names. */
public final class Channels {

    private Channels() {
    }

    /**
     * In the worker: frames over the process's own stdin and stdout (pipe), or the shm queues with
     * a doorbell socket (shm; stdin and stdout are then unused, but for the parent's end of
     * stream). Pass raw {@code FileInputStream(FileDescriptor.in)} /
     * {@code FileOutputStream(FileDescriptor.out)}, not {@code System.in}/{@code System.out},
     * which user code can reach.
     */
    public static Channel openWorkerSide(ChannelSpec spec, InputStream stdin, OutputStream stdout, String name)
            throws IOException {
        return switch (spec.kind()) {
            case ChannelSpec.SHM -> ShmChannel.openWorkerSide(spec.dir(), spec.options(), name);
            case ChannelSpec.PIPE -> new PipeChannel(stdin, stdout, spec.options(), name);
            default -> throw new IllegalArgumentException("unknown channel kind " + spec.kind());
        };
    }
}
