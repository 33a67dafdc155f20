package dev.offload.pool;

import dev.offload.pool.handlers.Square;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who writes the JOB frames a dispatch held back, for Lincheck: submitting threads
 * ({@link WorkerLink#tryDispatch} with its hold, {@code mayHold}, {@code flushDue} and the flag check
 * as it lets the dispatch lock go), one worker that answers the frames it can see, and the reader
 * role reading those answers ({@code PoolReader.handle}: {@code flushDue}, then
 * {@link WorkerLink#flushHeld}). The real {@link InFlight} ring and a real dispatch lock; the
 * channel is modelled: a volatile count of held frames and a count of frames written, each
 * changed under a send lock that is only ever tried, as {@code ShmChannel.tryHold} and
 * {@code tryFlushHeld} try theirs.
 *
 * <p>The validation lets the worker answer what it can see and the reader role read it, then
 * requires that no frame is left held: a frame held with nobody left to write it stalls its job
 * until the supervisor's heartbeat timeout kills the worker. The thresholds are the production
 * ones scaled down (hold with 2 jobs in hand ahead, write below 1, at most 3 held; production: 16,
 * 8 and 31) so that a few operations reach them.
 *
 * <p>What the model leaves out: the page-full write of {@code FrameAppender.hold} and ordinary
 * sends (both write everything held: they only add writes); a write that would start a new queue
 * file (the holder that may not wait leaves it to the reader thread, which writes it: modelled
 * as the validation's writes); the admission queue (a refused dispatch holds nothing).
 */
public class HeldFramesModel {
    static final int HOLD_AHEAD = 2;
    static final int HOLD_LOW = 1;
    static final int HOLD_MAX = 4;
    private static final int CREDIT = 8;

    private final InFlight inFlight = new InFlight(CREDIT);
    private final ReentrantLock dispatchLock = new ReentrantLock();
    /** WorkerLink.flushWanted. */
    private volatile boolean flushWanted;
    /** The channel's send lock (ShmChannel.sendLock), only ever tried here. */
    private final ReentrantLock sendLock = new ReentrantLock();
    /** FrameAppender.heldFrames: volatile, changed under the send lock. */
    private volatile int held;
    /** Frames in the worker's queue, visible to it; under the send lock. */
    private volatile int written;
    /** Jobs the worker has answered (its answers are in the queue back). */
    private volatile int answered;
    /** Role-owned: answers the reader role has read. */
    private int read;
    /** A flush that would have waited and was left to the reader thread (PoolReader.dispatchMayWait). */
    private volatile boolean leftToReaderThread;
    private long nextJobId = 1;

    // ---- operations ----

    /** A caller's submit(): WorkerLink.tryDispatch with mayWait false. */
    @Operation
    public void submit() {
        if (!dispatchLock.tryLock()) {
            return; // the job waits in the admission queue: nothing held
        }
        try {
            if (!inFlight.hasRoom(CREDIT)) {
                return;
            }
            Job job = job();
            inFlight.add(job);
            boolean sent;
            if (mayHold()) {
                sent = tryHold();
                if (sent && checksAfterHolding() && flushDue()) {
                    flushUnderLock(false);
                }
            } else {
                sent = trySend();
            }
            if (!sent) {
                inFlight.retractLast(job);
            }
        } finally {
            dispatchLock.unlock();
            if (checksFlagAfterUnlock() && flushWanted) {
                flushHeld(false);
            }
        }
    }

    /** The worker answers the next job it can see. */
    @Operation(nonParallelGroup = "worker")
    public void workerAnswers() {
        if (answered < written) {
            answered = answered + 1;
        }
    }

    /** The role holder reads the next answer: PoolReader.handle (an event loop: it may not wait). */
    @Operation(nonParallelGroup = "reader")
    public void readerReads() {
        readOne(false);
    }

    // ---- the production steps, modelled ----

    private void readOne(boolean mayWait) {
        if (read < answered) {
            read++;
            inFlight.poll(); // WorkerLink.answered
            if (flushDue()) {
                flushHeld(mayWait);
            }
        }
    }

    /** WorkerLink.mayHold, under the dispatch lock with the job in the ring. */
    private boolean mayHold() {
        int h = held;
        return h < HOLD_MAX - 1 && inFlight.sizeSeen() - 1 - h >= HOLD_AHEAD;
    }

    /** WorkerLink.flushDue. */
    private boolean flushDue() {
        int h = held;
        return h > 0 && inFlight.size() - h < HOLD_LOW;
    }

    /** WorkerLink.flushHeld: lock or flag. */
    private void flushHeld(boolean mayWait) {
        if (held == 0) {
            return;
        }
        flushWanted = true;
        while (flushWanted && dispatchLock.tryLock()) {
            try {
                flushWanted = false;
                flushUnderLock(mayWait);
            } finally {
                dispatchLock.unlock();
            }
        }
    }

    /** WorkerLink.flushUnderLock. */
    private void flushUnderLock(boolean mayWait) {
        if (!tryFlushHeld()) {
            if (mayWait) {
                writeHeld(); // ShmChannel.flushHeld: waits for the send lock
            } else {
                leftToReaderThread = true;
            }
        }
    }

    /** ShmChannel.tryHold. */
    private boolean tryHold() {
        if (!sendLock.tryLock()) {
            return false;
        }
        try {
            held = held + 1;
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    /** ShmChannel.trySend: what is held goes first, with this frame. */
    private boolean trySend() {
        if (!sendLock.tryLock()) {
            return false;
        }
        try {
            written = written + held + 1;
            held = 0;
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    /** ShmChannel.tryFlushHeld. */
    private boolean tryFlushHeld() {
        if (held == 0) {
            return true;
        }
        if (!sendLock.tryLock()) {
            return false;
        }
        try {
            written = written + held;
            held = 0;
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    private void writeHeld() {
        sendLock.lock();
        try {
            written = written + held;
            held = 0;
        } finally {
            sendLock.unlock();
        }
    }

    private Job job() {
        long id = nextJobId++;
        return new Job(id, id, Square.class.getName(), new byte[] {'1'}, null, 0, 1, Duration.ZERO, null, null, new JobFuture<>());
    }

    /** The protocol's two checks that a broken variant leaves out. */
    boolean checksAfterHolding() {
        return true;
    }

    boolean checksFlagAfterUnlock() {
        return true;
    }

    // ---- validation ----

    @Validate
    public void everyHeldFrameIsWritten() {
        String before = state();
        while (true) {
            if (leftToReaderThread) {
                leftToReaderThread = false; // the reader thread, woken for it: PoolReader.sweep with mayBlock
                flushHeld(true);
            }
            if (answered < written) {
                workerAnswers();
            } else if (read < answered) {
                readOne(true);
            } else {
                break;
            }
        }
        if (held != 0) {
            throw new AssertionError(held + " frames held and nobody left to write them: the worker has answered every"
                    + " frame it can see and the reader role has read every answer; at the end of the run: " + before);
        }
        if (!inFlight.isEmpty()) {
            throw new AssertionError("jobs in flight that the worker never got; at the end of the run: " + before);
        }
    }

    private String state() {
        return "in flight " + inFlight.size() + ", held " + held + ", written " + written + ", answered " + answered
                + ", read " + read + ", flushWanted " + flushWanted + ", leftToReaderThread " + leftToReaderThread;
    }

    /** Broken: the dispatch that held a frame does not look again at how many the worker has in hand. */
    public static class NoCheckAfterHolding extends HeldFramesModel {
        @Override
        boolean checksAfterHolding() {
            return false;
        }
    }

    /** Broken: the dispatch lets the lock go without looking at the role holder's flag. */
    public static class NoFlagCheckAfterUnlock extends HeldFramesModel {
        @Override
        boolean checksFlagAfterUnlock() {
            return false;
        }
    }
}
