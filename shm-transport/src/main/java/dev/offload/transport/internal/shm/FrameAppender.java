package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes frames into one direction's queue, one Chronicle document per frame, in the wire form of
 * {@link FrameCodec}: the bytes the pipe transport would send, except that a frame for the handler
 * of the last frame that named one {@linkplain FrameCodec#encodeRepeatingHandler leaves the name out}.
 *
 * <p>A sender that knows another frame follows within microseconds may {@linkplain #hold hold}
 * frames back: they go out together, as one document, with the next {@link #append} or
 * {@link #flushHeld} (a worker answering a run of tiny jobs, the pool sending tiny jobs to a
 * worker that has plenty in hand: each document costs Chronicle's bookkeeping on both sides, well
 * above the bytes of a small frame). Only ordinary frames are
 * held; a frame whose payload is in the arena always has a document of its own.
 *
 * <p>Not thread-safe: the owning channel calls {@link #append} and {@link #close} under its send
 * lock. Chronicle's own single-thread check is off because that lock, not a fixed thread, is what
 * serialises the appender. No garbage per frame: a frame is assembled in one reused buffer and
 * copied into the queue with one write (each Chronicle write has a fixed cost well above that of
 * copying a few dozen bytes twice).
 */
final class FrameAppender implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    /** Big enough for any frame that travels in the queue: header, handler name, inline payload or arena reference. */
    private final ByteBuffer frameBuffer = ByteBuffer.allocate(FrameCodec.HEADER_BYTES + ChannelOptions.MAX_HANDLER_BYTES
            + Math.max(PayloadArena.INLINE_MAX_BYTES, FrameCodec.ARENA_REF_BYTES));
    private boolean appended;
    /** Frames {@linkplain #hold held back}, encoded back to back: one document once written. */
    private final ByteBuffer held = ByteBuffer.allocate(ShmQueues.HELD_DOCUMENT_BYTES);
    /** How many frames {@link #held} holds; written under the send lock, read by {@link #heldFrames()} without it. */
    private volatile int heldFrames;
    /** The handler name the last held frame that named one named, else null: {@link #lastHandler} once written. */
    private byte[] heldLastHandler;
    /**
     * The handler name of the last frame written that named one: a frame for the same handler
     * {@linkplain FrameCodec#encodeRepeatingHandler repeats} it instead (the tailer keeps its twin).
     */
    private byte[] lastHandler;
    /**
     * nanoTime before which the wall clock cannot have reached the end of the cycle of the last
     * append, less {@link #ROLL_MARGIN_MILLIS}: until then {@link #wouldRoll} needs no clock of its own.
     */
    private long noRollBefore;
    /** Covers nanoTime and the wall clock drifting apart within a cycle (NTP slews at most 0.5 ms a second). */
    private static final long ROLL_MARGIN_MILLIS = 100;
    private static final byte[] NO_HANDLER = new byte[0];
    /** Documents written so far (for tests and tuning). */
    private long documents;
    /** Frames written so far, held ones once their document is: more than {@link #documents} when frames were held. */
    private long frames;
    private static final long PAGE_BYTES = 4096;
    /** How far ahead of the write position {@link #touchAhead} keeps the pages touched. */
    static final long TOUCH_AHEAD_BYTES = 128 << 10;
    /**
     * Touched at a time, at most: 16 pages, 180 µs of faults at 11 µs each. A sequential caller's
     * round trip writes about 40 bytes each way, so one in 1,600 round trips pays it.
     */
    static final long TOUCH_BATCH_BYTES = 64 << 10;
    /** The chunk mapping that {@link #touchedUpTo} counts in: a store of the appender's, compared by identity. */
    private BytesStore<?, ?> touchedStore;
    /** File offset up to which the pages of {@link #touchedStore} are touched (a page boundary). */
    private long touchedUpTo;
    private long pagesTouched;

    FrameAppender(Path queueDir) {
        this.queue = ShmQueues.open(queueDir);
        try {
            this.appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    /**
     * Appends one frame; it is visible to the reader when this returns. Chronicle publishes the
     * document by writing its length header last with a release store: readers that see the header
     * see the bytes.
     */
    void append(Frame frame, byte[] handlerBytes) {
        if (heldFrames > 0) {
            hold(frame, handlerBytes);
            flushHeld(); // with what was held: one document, or two if it did not fit beside them
            return;
        }
        encode(frame, handlerBytes, lastHandler);
        write(frameBuffer, handlerBytes);
        frames++;
    }

    /**
     * Holds an ordinary frame back, to be written with the next {@link #append} or
     * {@link #flushHeld}: nothing reaches the reader until then. When it does not fit beside what
     * is held already (a page, {@link ShmQueues#HELD_DOCUMENT_BYTES}), those go out first, as one
     * document, and this frame is held alone. True when a document was written.
     */
    boolean hold(Frame frame, byte[] handlerBytes) {
        encode(frame, handlerBytes, heldFrames > 0 && heldLastHandler != null ? heldLastHandler : lastHandler);
        boolean wrote = false;
        if (frameBuffer.position() > held.remaining()) {
            wrote = flushHeld();
            encode(frame, handlerBytes, lastHandler); // the frame before it is now the last one written
        }
        held.put(frameBuffer.array(), 0, frameBuffer.position()); // fits: any frame is smaller than a page
        heldFrames++;
        if (handlerBytes.length > 0) {
            heldLastHandler = handlerBytes;
        }
        return wrote;
    }

    /** Documents written so far; under the send lock. */
    long documents() {
        return documents;
    }

    /** Frames written so far; under the send lock. */
    long frames() {
        return frames;
    }

    /**
     * How many frames are held. Without the send lock too, as a hint: a thread that held frames
     * sees its own count, and another thread's send only ever empties it.
     */
    int heldFrames() {
        return heldFrames;
    }

    /** Writes the held frames as one document; false when none were held. */
    boolean flushHeld() {
        if (heldFrames == 0) {
            return false;
        }
        byte[] named = heldLastHandler;
        try {
            write(held, named == null ? NO_HANDLER : named);
            frames += heldFrames;
        } finally {
            held.clear(); // written, or rolled back with the channel failing: either way they are gone from here
            heldFrames = 0;
            heldLastHandler = null;
        }
        return true;
    }

    /** Encodes {@code frame} into {@link #frameBuffer}, leaving its handler out if it repeats {@code previous}. */
    private void encode(Frame frame, byte[] handlerBytes, byte[] previous) {
        frameBuffer.clear();
        if (handlerBytes.length > 0 && Arrays.equals(handlerBytes, previous)) { // identity first, as Arrays.equals does
            FrameCodec.encodeRepeatingHandler(frame, frameBuffer);
        } else {
            FrameCodec.encode(frame, handlerBytes, frameBuffer);
        }
    }

    /**
     * Appends a frame whose payload the caller has placed in the arena at {@code offset}; the
     * reader releases the arena up to {@code end} once it has copied it out.
     */
    void appendArenaReference(Frame frame, byte[] handlerBytes, int offset, long end) {
        flushHeld(); // first, and apart: an arena frame is alone in its document
        frameBuffer.clear();
        FrameCodec.encodeArenaFrame(frame, handlerBytes, offset, end, frameBuffer);
        write(frameBuffer, handlerBytes);
        frames++;
    }

    /**
     * One document: what {@code frames} holds up to its position; {@code handlerBytes}, the handler
     * the last of them named (empty if none did).
     */
    private void write(ByteBuffer frames, byte[] handlerBytes) {
        DocumentContext dc = appender.writingDocument();
        try {
            Bytes<?> bytes = dc.wire().bytes();
            bytes.write(frames.array(), 0, frames.position());
            touchAhead(bytes.bytesStore(), bytes.writePosition());
        } catch (RuntimeException e) {
            dc.rollbackOnClose();
            throw e;
        } finally {
            dc.close();
        }
        appended = true;
        documents++;
        if (handlerBytes.length > 0) {
            lastHandler = handlerBytes; // only once written: a rolled-back frame named nothing to the reader
        }
    }

    /**
     * True when the next append would start a new cycle file (the clock has passed the cycle of
     * the last append, or nothing was appended yet): creating and mapping a file costs the writer
     * milliseconds, so {@link ShmChannel#trySend} leaves that to an ordinary send. {@code nowNanos}:
     * the sender's nanoTime; the wall clock is read only in the last {@link #ROLL_MARGIN_MILLIS} of a cycle.
     */
    boolean wouldRoll(long nowNanos) {
        if (appended && nowNanos - noRollBefore < 0) {
            return false;
        }
        if (!appended || appender.cycle() != queue.cycle()) {
            return true;
        }
        long millisLeft = ShmQueues.cycleStartMillis(appender.cycle() + 1) - System.currentTimeMillis();
        noRollBefore = nowNanos + (millisLeft - ROLL_MARGIN_MILLIS) * 1_000_000L;
        return false;
    }

    /**
     * Touches the pages of the queue file ahead of the write position {@code end}, through the
     * mapping {@code store} the appender writes with, so that the appends that follow write to
     * pages this process has mapped already. Each first write to a tmpfs page costs a page fault:
     * about 11 µs on the machine the figures come from, up to 45 µs under load, where the write
     * itself costs 20 ns. Left to the appends, that fault lands on one small frame in every forty
     * or so, on both sides of a round trip (2 % of a sequential caller's round trips, docs/BENCHMARKS.md).
     * Touched here, the faults come {@link #TOUCH_BATCH_BYTES} at a time: the same work, on one
     * append in several thousand.
     *
     * <p>A touch is a compare-and-swap of zero with zero on the page's first int: a write, so the
     * kernel maps the page writable, that changes nothing (a page ahead of the write position holds
     * zeros, and an int that did not would fail the compare and keep its value). Only within the chunk {@code store} maps; the appender maps the
     * next chunk, or the next cycle's file, when it gets there, and touching starts again in it.
     */
    private void touchAhead(BytesStore<?, ?> store, long end) {
        if (store != touchedStore) {
            touchedStore = store;
            touchedUpTo = (end + PAGE_BYTES - 1) & -PAGE_BYTES;
        }
        if (end + TOUCH_AHEAD_BYTES - TOUCH_BATCH_BYTES < touchedUpTo) {
            return;
        }
        long to = (end + TOUCH_AHEAD_BYTES) & -PAGE_BYTES;
        long page = touchedUpTo;
        while (page < to && store.inside(page, Integer.BYTES)) {
            store.compareAndSwapInt(page, 0, 0);
            page += PAGE_BYTES;
            pagesTouched++;
        }
        touchedUpTo = to; // past the chunk's end too: the next chunk is another store, and a fresh start
    }

    /** Pages {@linkplain #touchAhead touched} so far (for tests and tuning); under the send lock. */
    long pagesTouched() {
        return pagesTouched;
    }

    @Override
    public void close() {
        try {
            appender.close();
        } finally {
            queue.close();
        }
    }
}
