package dev.offload.transport;

import dev.offload.transport.pipe.PipeChannel;
import dev.offload.transport.shm.ShmChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Opens the channel a {@link ChannelSpec} names, on either side of the worker's stdin/stdout. */
public final class Channels {

    private Channels() {
    }

    /**
     * In the worker: frames (pipe) or doorbell bytes (shm) over the process's own stdin and stdout.
     * Pass raw {@code FileInputStream(FileDescriptor.in)} / {@code FileOutputStream(FileDescriptor.out)},
     * not {@code System.in}/{@code System.out}, which user code can reach.
     */
    public static Channel openWorkerSide(ChannelSpec spec, InputStream stdin, OutputStream stdout, String name)
            throws IOException {
        return switch (spec.kind()) {
            case ChannelSpec.SHM -> ShmChannel.openWorkerSide(spec.dir(), stdin, stdout, spec.options(), name);
            case ChannelSpec.PIPE -> new PipeChannel(stdin, stdout, spec.options(), name);
            default -> throw new IllegalArgumentException("unknown channel kind " + spec.kind());
        };
    }

    /**
     * In the parent: over the worker process's stdout ({@code Process.getInputStream()}) and stdin
     * ({@code Process.getOutputStream()}). For shm, {@link ShmChannel#prepare} must have run first.
     */
    public static Channel openParentSide(ChannelSpec spec, InputStream fromWorker, OutputStream toWorker, String name)
            throws IOException {
        return switch (spec.kind()) {
            case ChannelSpec.SHM -> ShmChannel.openParentSide(spec.dir(), fromWorker, toWorker, spec.options(), name);
            case ChannelSpec.PIPE -> new PipeChannel(fromWorker, toWorker, spec.options(), name);
            default -> throw new IllegalArgumentException("unknown channel kind " + spec.kind());
        };
    }
}
