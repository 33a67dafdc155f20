package dev.offload.worker;

import dev.offload.transport.Channel;
import dev.offload.transport.Frame;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Frames read early (while a job polled for its cancel) and kept for the main loop, in order.
 * Guarded by its own monitor: a handler's threads may poll while the main thread waits.
 */
final class Inbox {
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private IOException failure;

    synchronized void add(Frame frame) {
        pending.add(frame);
    }

    synchronized void broken(IOException e) {
        if (failure == null) {
            failure = e;
        }
    }

    /** The next kept frame, else the next frame from the channel. */
    Frame next(Channel channel) throws IOException {
        synchronized (this) {
            Frame kept = pending.poll();
            if (kept != null) {
                return kept;
            }
            if (failure != null) {
                throw failure;
            }
        }
        return channel.receive();
    }
}
