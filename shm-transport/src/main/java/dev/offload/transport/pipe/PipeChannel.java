package dev.offload.transport.pipe;

import dev.offload.transport.Channel;
import dev.offload.transport.ChannelClosedException;
import dev.offload.transport.ChannelOptions;
import dev.offload.transport.Frame;
import dev.offload.transport.FrameCodec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Length-prefixed frames over a pair of byte streams: the worker's stdin and stdout, seen from
 * either end.
 */
public final class PipeChannel implements Channel {
    private final InputStream in;
    private final OutputStream out;
    private final ChannelOptions options;
    private final String name;
    private final Object sendLock = new Object();
    private volatile boolean closed;

    public PipeChannel(InputStream in, OutputStream out, ChannelOptions options, String name) {
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.options = options;
        this.name = name;
    }

    @Override
    public void send(Frame frame) throws IOException {
        byte[] handler = FrameCodec.checkSendable(frame, options.maxFrameBytes());
        synchronized (sendLock) {
            ensureOpen();
            FrameCodec.write(frame, handler, out);
            out.flush();
        }
    }

    @Override
    public Frame receive() throws IOException {
        ensureOpen();
        try {
            return FrameCodec.read(in, options.maxFrameBytes(), name);
        } catch (IOException e) {
            if (closed) {
                throw new ChannelClosedException(name + ": channel closed");
            }
            throw e;
        }
    }

    @Override
    public Frame poll() throws IOException {
        ensureOpen();
        return in.available() > 0 ? receive() : null;
    }

    @Override
    public String kind() {
        return "pipe";
    }

    private void ensureOpen() throws ChannelClosedException {
        if (closed) {
            throw new ChannelClosedException(name + ": channel closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Closing the output gives the peer EOF; closing the input unblocks our own reader.
        try {
            out.close();
        } catch (IOException ignored) {
            // the peer may already be gone: nothing to tell it
        }
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing left to read from a stream that will not close
        }
    }

    @Override
    public String toString() {
        return "PipeChannel[" + name + "]";
    }
}
