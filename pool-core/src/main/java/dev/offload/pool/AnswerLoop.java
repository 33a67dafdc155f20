package dev.offload.pool;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.Executor;

/**
 * An event loop that reads a pool's answers on its own thread, given to
 * {@link WorkerPool#readAnswersOn}. The loop watches every worker's wake-up channel in its own
 * selector, so an answer to a job the loop submitted costs one thread wake-up (the loop's), where it
 * otherwise costs two: the pool's reader thread woken by the worker, then the loop woken by the
 * reader. {@code dev.offload.netty.NettyAnswerLoop} (module {@code netty}) adapts a Netty 4.2
 * {@code IoEventLoop}, and with it a Vert.x 5 event loop.
 *
 * <p>An implementation must run {@link #execute} tasks and {@link #watch} callbacks on the loop's
 * one thread, in order, and never run a callback after its {@link Watch#cancel} returned on the
 * loop's thread. The pool calls every method from any thread.
 */
public interface AnswerLoop extends Executor {

    /** True when the calling thread is the loop's own. */
    boolean inLoop();

    /**
     * True once the loop is shutting down or gone. The pool then reads on its own thread again,
     * within its reader's safety-net period (100 ms), as if the attachment had been closed.
     */
    boolean isShuttingDown();

    /**
     * Starts watching {@code channel} (non-blocking, already registered elsewhere perhaps) for
     * readability, level-triggered: {@code onReadable} runs on the loop's thread whenever the
     * channel has bytes to read or reached its end, until the watch is cancelled.
     */
    Watch watch(SelectableChannel channel, Runnable onReadable);

    /** One {@link #watch}. */
    interface Watch {
        /**
         * Stops the watch. Called from any thread before the channel closes; idempotent. Once it
         * returned, the loop no longer polls the channel's file descriptor.
         */
        void cancel();
    }

    /** What {@link WorkerPool#readAnswersOn} returns: closing it gives the reading back to the pool's own thread. */
    interface Attachment extends AutoCloseable {
        /** Detaches the loop; the pool's reader thread watches the workers again. Idempotent. */
        @Override
        void close();
    }
}
