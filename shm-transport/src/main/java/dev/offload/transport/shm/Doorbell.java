package dev.offload.transport.shm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The wake-up line between a shm reader and its peer's writer: single bytes over the worker's
 * stdin/stdout pipe pair, never frames. A byte means "look at the queue"; its value is ignored.
 *
 * <p><b>The sleeping reader blocks in {@code read()} itself.</b> An earlier version had a listener
 * thread own the read and hand each byte over through a semaphore, so that {@link #close()} could
 * always wake the reader; but that is a second thread wake-up on every doorbell, 6–8 µs on this
 * kind of machine, paid on the path every sequential round trip takes once a spin expires. The
 * price of reading directly: on Linux, closing a pipe does not wake a thread blocked reading it, so
 * after {@link #close()} a blocked reader returns when the peer rings, closes its end or exits.
 * Every owner of a real worker ends the peer when it closes the channel (the pool says BYE, then
 * kills), and the worker's channel closes only on its way out, so nobody waits on that in practice.
 *
 * <p>Threading: {@link #ring} is called by one thread at a time (ShmChannel's send lock);
 * {@link #await} by the channel's single reader; {@link #close} by anyone, idempotent.
 */
final class Doorbell implements AutoCloseable {
    private final InputStream in;
    private final OutputStream out;
    private final String name;
    /** Owned by the reader thread: rings arrive in bursts, drained in one read. */
    private final byte[] drain = new byte[64];
    private volatile boolean peerGone;
    private volatile boolean closed;
    /** Why the doorbell stopped, when the stream failed rather than ended; written before peerGone. */
    private volatile IOException failure;

    Doorbell(InputStream in, OutputStream out, String name) {
        this.in = in;
        this.out = out;
        this.name = name;
    }

    /** Wakes the peer's reader. Blocks only if the pipe is full, which bounded ringing prevents. */
    void ring() throws IOException {
        out.write(1);
        out.flush();
    }

    /**
     * Blocks until a ring or the peer's end of stream. Returns at once when the peer is gone or we
     * are closed; the caller then re-checks its queue and its state.
     */
    void await() {
        if (closed || peerGone) {
            return;
        }
        try {
            if (in.read(drain) < 0) {
                peerGone = true;
            }
        } catch (IOException e) {
            if (!closed) {
                failure = e;
            }
            peerGone = true;
        }
    }

    /** True once the peer closed its end (or the stream failed): no more rings will come. */
    boolean peerGone() {
        return peerGone;
    }

    /** The stream error that ended the doorbell, or null after a clean EOF. */
    IOException failure() {
        return failure;
    }

    /**
     * Gives the peer EOF (closes our output) and closes our input, which wakes a blocked reader for
     * streams that support it (NIO pipes), else it wakes at the peer's next ring or exit.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(out);
        closeQuietly(in);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // the peer may be gone already; there is nobody left to tell
        }
    }

    @Override
    public String toString() {
        return "Doorbell[" + name + (peerGone ? ", peer gone" : "") + (closed ? ", closed" : "") + "]";
    }
}
