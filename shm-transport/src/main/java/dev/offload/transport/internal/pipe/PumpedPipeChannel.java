package dev.offload.transport.internal.pipe;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.ChannelClosedException;
import dev.offload.transport.internal.ChannelException;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;
import dev.offload.transport.internal.FrameType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The parent's end of a pipe worker: frames over the worker's stdout and stdin, with two threads of
 * its own so that the pool can treat it like a shm channel. A pump thread reads frames ahead into
 * an inbox, which makes {@link #poll} non-blocking and {@link #wakeups()} selectable (an in-process
 * NIO pipe that the pump writes a byte to when the reader sleeps). A writer thread drains an
 * outbox, which makes {@link #trySend} non-blocking: a pipe write blocks while the worker, busy
 * with a job, does not read. Both queues are lock-free: a sender or a polling reader never parks
 * on a lock the pump or the writer holds (a caller's {@code submit()} sends, an event loop polls).
 *
 * <p>The price is a thread hand-off each way, the reason the shm transport exists.
 *
 * <p>Threading: as {@link Channel}. The pump thread owns the input stream, the writer thread the
 * output stream.
 */
public final class PumpedPipeChannel implements Channel {
    /** Marks the end of the inbox (after the last frame) and of the outbox (close). Compared by identity. */
    private static final Frame END = Frame.control(FrameType.BYE);

    private final PipeChannel stream;
    private final ChannelOptions options;
    private final String name;
    private final ConcurrentLinkedQueue<Frame> inbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Frame> outbox = new ConcurrentLinkedQueue<>();
    private final Thread writer;
    /** The writer thread parks when the outbox is empty; a sender then unparks it. */
    private volatile boolean writerParked;
    /** A thread parked in {@link #receive}, if any: the pump unparks it for the next frame. */
    private volatile Thread receiver;
    private final Pipe wake;
    private final ByteBuffer wakeByte = ByteBuffer.allocate(1);
    private final ByteBuffer drain = ByteBuffer.allocate(64);
    /** 1 while the reader sleeps on {@link #wakeups()}: the pump rings it for the next frame. */
    private final AtomicInteger armed = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Why the input ended; written by the pump before it queues {@link #END}. */
    private volatile IOException ended;
    /** Reader-owned: {@link #END} was taken from the inbox. */
    private boolean endTaken;
    /** Why the writer stopped, if it failed; written by the writer thread. */
    private volatile IOException writeFailure;

    /**
     * @param fromWorker the worker's stdout ({@code Process.getInputStream()})
     * @param toWorker   the worker's stdin ({@code Process.getOutputStream()})
     * @param id         a short name for the threads ({@code offload-pipe-in-<id>})
     */
    public PumpedPipeChannel(InputStream fromWorker, OutputStream toWorker, ChannelOptions options, String name, String id)
            throws IOException {
        this.stream = new PipeChannel(fromWorker, toWorker, options, name);
        this.options = options;
        this.name = name;
        this.wake = Pipe.open();
        wake.source().configureBlocking(false);
        wake.sink().configureBlocking(false);
        Thread pump = new Thread(this::pump, "offload-pipe-in-" + id);
        pump.setDaemon(true);
        this.writer = new Thread(this::write, "offload-pipe-out-" + id);
        writer.setDaemon(true);
        pump.start();
        writer.start();
    }

    /** Pump thread: reads frames until the stream ends or breaks. */
    private void pump() {
        try {
            while (true) {
                inbox.add(stream.receive());
                notifyReader();
            }
        } catch (IOException e) {
            ended = e;
        } catch (RuntimeException e) {
            ended = new ChannelException(name + ": pipe reader failed", e);
        }
        inbox.add(END);
        notifyReader();
    }

    private void notifyReader() {
        // Dekker with prepareSleep: [queue frame] fence [read flag] against [set flag] fence [read queue].
        // The same with receive: [queue frame] fence [read receiver] against [set receiver] fence [poll].
        VarHandle.fullFence();
        Thread waiting = receiver;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
        if (armed.compareAndSet(1, 0)) {
            try {
                wakeByte.clear();
                wake.sink().write(wakeByte);
            } catch (IOException e) {
                // the wake pipe is closed: the channel is closing and nobody sleeps on it
            }
        }
    }

    /** Writer thread: writes queued frames, flushing once the outbox is empty; closes the output at the end. */
    private void write() {
        try {
            Frame frame = nextToWrite();
            while (frame != END) {
                stream.write(frame);
                frame = outbox.poll();
                if (frame == null) {
                    stream.flush();
                    frame = nextToWrite();
                }
            }
        } catch (IOException e) {
            writeFailure = e; // the worker is gone; the pump sees its end of stream
        } finally {
            stream.closeOutput();
        }
    }

    /** Writer thread: the next frame, parking while there is none. */
    private Frame nextToWrite() {
        Frame frame = outbox.poll();
        if (frame != null) {
            return frame;
        }
        // Dekker with trySend: [set flag] fence [poll] against [queue frame] fence [read flag].
        writerParked = true;
        VarHandle.fullFence();
        while ((frame = outbox.poll()) == null) {
            LockSupport.park(this);
        }
        writerParked = false;
        return frame;
    }

    private void queueForWriter(Frame frame) {
        outbox.add(frame);
        VarHandle.fullFence();
        if (writerParked) {
            LockSupport.unpark(writer);
        }
    }

    @Override
    public void send(Frame frame) throws IOException {
        if (!trySend(frame)) {
            throw new ChannelClosedException(name + ": channel closed");
        }
    }

    /** Whoever waits in {@link #receive} ends with a ChannelClosedException. */
    private void wakeReceiver() {
        inbox.add(END);
        notifyReader();
    }

    /** Queues the frame for the writer thread; false only when the channel is closed. */
    @Override
    public boolean trySend(Frame frame, long nowNanos) throws IOException {
        FrameCodec.checkSendable(frame, options.maxFrameBytes());
        IOException failed = writeFailure;
        if (failed != null) {
            throw new ChannelClosedException(name + ": the pipe to the worker broke (" + failed.getMessage() + ")");
        }
        if (closed.get()) {
            return false;
        }
        queueForWriter(frame);
        return true;
    }

    @Override
    public Frame receive() throws IOException {
        ensureOpen();
        if (endTaken) {
            throw endOfInput();
        }
        Frame frame = inbox.poll();
        if (frame == null) {
            receiver = Thread.currentThread();
            VarHandle.fullFence();
            while ((frame = inbox.poll()) == null) {
                LockSupport.park(this);
                if (Thread.currentThread().isInterrupted()) {
                    receiver = null;
                    throw new ChannelClosedException(name + ": interrupted while waiting for a frame");
                }
            }
            receiver = null;
        }
        return checkEnd(frame);
    }

    @Override
    public Frame poll() throws IOException {
        ensureOpen();
        if (endTaken) {
            throw endOfInput();
        }
        Frame frame = inbox.poll();
        return frame == null ? null : checkEnd(frame);
    }

    private void ensureOpen() throws ChannelClosedException {
        if (closed.get()) {
            throw new ChannelClosedException(name + ": channel closed");
        }
    }

    private Frame checkEnd(Frame frame) throws IOException {
        if (frame != END) {
            return frame;
        }
        endTaken = true;
        throw endOfInput();
    }

    private IOException endOfInput() {
        IOException why = ended;
        if (why instanceof ChannelClosedException || why == null) {
            return new ChannelClosedException(name + ": peer closed the channel");
        }
        return why; // a corrupt frame: the caller must see what broke
    }

    @Override
    public boolean prepareSleep() {
        armed.set(1);
        VarHandle.fullFence();
        if (inbox.isEmpty()) {
            return true;
        }
        armed.set(0);
        return false;
    }

    @Override
    public void cancelSleep() {
        armed.set(0);
    }

    @Override
    public SelectableChannel wakeups() {
        return wake.source();
    }

    @Override
    public synchronized boolean drainWakeups() {
        try {
            int n;
            do {
                drain.clear();
                n = wake.source().read(drain);
            } while (n > 0);
        } catch (IOException e) {
            return true;
        }
        return ended != null;
    }

    @Override
    public String kind() {
        return "pipe";
    }

    /**
     * Stops taking frames; the writer writes what is queued (a BYE, say) and then gives the worker
     * end of stream. The pump ends when the worker closes its stdout, at the latest when it exits.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queueForWriter(END);
        wakeReceiver();
        try {
            wake.sink().close();
        } catch (IOException ignored) {
            // nothing to wake any more
        }
        try {
            wake.source().close();
        } catch (IOException ignored) {
            // a selector that had it registered drops the key
        }
    }

    @Override
    public String toString() {
        return "PumpedPipeChannel[" + name + "]";
    }
}
