package dev.offload.transport.internal.pipe;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.ChannelClosedException;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SelectableChannel;

/**
 * Length-prefixed frames over a pair of byte streams, read by blocking: the worker's end of its
 * stdin and stdout. It cannot be polled without blocking nor watched by a selector; the parent's
 * end is a {@link PumpedPipeChannel}.
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

    /** For {@link PumpedPipeChannel}'s writer thread: writes without flushing. */
    void write(Frame frame) throws IOException {
        byte[] handler = FrameCodec.checkSendable(frame, options.maxFrameBytes());
        synchronized (sendLock) {
            ensureOpen();
            FrameCodec.write(frame, handler, out);
        }
    }

    void flush() throws IOException {
        synchronized (sendLock) {
            out.flush();
        }
    }

    /** Gives the peer end of stream, keeping the input open. */
    void closeOutput() {
        synchronized (sendLock) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the peer may already be gone: nothing to tell it
            }
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

    /** Never: a pipe write blocks while the pipe is full. */
    @Override
    public boolean trySend(Frame frame, long nowNanos) {
        return false;
    }

    /** A frame if its first bytes have arrived (the rest is then read blocking), else null. */
    @Override
    public Frame poll() throws IOException {
        ensureOpen();
        return in.available() > 0 ? receive() : null;
    }

    @Override
    public boolean prepareSleep() {
        throw new UnsupportedOperationException(name + ": a stream pipe is read with receive(), not watched");
    }

    @Override
    public void cancelSleep() {
        // nothing is ever armed
    }

    @Override
    public SelectableChannel wakeups() {
        return null;
    }

    @Override
    public boolean drainWakeups() {
        return false;
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
