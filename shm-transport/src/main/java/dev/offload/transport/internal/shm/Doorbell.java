package dev.offload.transport.internal.shm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * The wake-up line between a shm reader and its peer's writer: single bytes over a Unix-domain
 * socket, never frames. A byte means "look at the queue"; its value is ignored. End of stream means
 * the peer is gone, which is how the parent learns of a dead worker without a thread per worker.
 *
 * <p>The parent's end is non-blocking, so one {@code Selector} can watch every worker's doorbell
 * ({@link #selectable()}); the worker's end is blocking and its reader sleeps in {@code read()}.
 * Unlike a pipe stream, a socket channel blocked in {@code read()} wakes when it is closed.
 *
 * <p>Threading: {@link #ring} is called by one thread at a time (the channel's send lock);
 * {@link #await} and {@link #drain} by the channel's reader; {@link #close} by anyone, idempotent.
 */
final class Doorbell implements AutoCloseable {
    private final SocketChannel socket;
    private final String name;
    private final ByteBuffer ringByte = ByteBuffer.allocateDirect(1);
    /** Owned by the reader: rings arrive in bursts, drained in one read. */
    private final ByteBuffer drain = ByteBuffer.allocateDirect(64);
    /** Parent side only: for a blocking {@link #await} on a non-blocking socket. Reader-owned. */
    private Selector ownSelector;
    private volatile boolean peerGone;
    private volatile boolean closed;
    /** Why the doorbell stopped, when the socket failed rather than ended; written before peerGone. */
    private volatile IOException failure;

    Doorbell(SocketChannel socket, String name) {
        this.socket = socket;
        this.name = name;
    }

    /**
     * Wakes the peer's reader. Never blocks on the parent's non-blocking end: a full socket buffer
     * means the peer has unread rings already, which wake it just as well.
     */
    void ring() throws IOException {
        ringByte.clear();
        ringByte.put((byte) 1).flip();
        socket.write(ringByte);
    }

    /**
     * Blocks until a ring or the peer's end of stream, or until we are closed. The caller then
     * re-checks its queue and its state.
     */
    void await() {
        if (closed || peerGone) {
            return;
        }
        try {
            if (socket.isBlocking()) {
                readOnce();
                return;
            }
            if (ownSelector == null) {
                ownSelector = Selector.open();
                socket.register(ownSelector, SelectionKey.OP_READ);
            }
            ownSelector.select(100);
            ownSelector.selectedKeys().clear();
            drain();
        } catch (ClosedSelectorException e) {
            // close() closed the selector under us: the caller sees the channel closed
        } catch (IOException e) {
            fail(e);
        }
    }

    /**
     * Reads whatever rings are pending without blocking (parent side) and returns true when the peer
     * is gone. For the pool's reader after its selector said this doorbell is readable.
     */
    synchronized boolean drain() {
        if (peerGone) {
            return true;
        }
        try {
            int n;
            do {
                drain.clear();
                n = socket.read(drain);
            } while (n > 0 && !socket.isBlocking());
            if (n < 0) {
                peerGone = true;
            }
        } catch (IOException e) {
            fail(e);
        }
        return peerGone;
    }

    private void readOnce() throws IOException {
        drain.clear();
        if (socket.read(drain) < 0) {
            peerGone = true;
        }
    }

    private void fail(IOException e) {
        if (!closed) {
            failure = e;
        }
        peerGone = true;
    }

    /** The parent's end, for a selector; null on the worker's (blocking) end. */
    SocketChannel selectable() {
        return socket.isBlocking() ? null : socket;
    }

    /** True once the peer closed its end (or the socket failed): no more rings will come. */
    boolean peerGone() {
        return peerGone;
    }

    /** The socket error that ended the doorbell, or null after a clean end of stream. */
    IOException failure() {
        return failure;
    }

    /** Closes the socket: the peer sees end of stream, and a reader blocked in {@link #await} wakes. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // the peer may be gone already; there is nobody left to tell
        }
        if (ownSelector != null) {
            try {
                ownSelector.close();
            } catch (IOException ignored) {
                // nothing registered with it matters any more
            }
        }
    }

    @Override
    public String toString() {
        return "Doorbell[" + name + (peerGone ? ", peer gone" : "") + (closed ? ", closed" : "") + "]";
    }
}
