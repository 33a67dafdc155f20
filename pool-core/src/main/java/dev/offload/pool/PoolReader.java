package dev.offload.pool;

import dev.offload.transport.internal.AdaptiveSpin;
import dev.offload.transport.internal.CorruptFrameException;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import dev.offload.transport.internal.SpinWait;
import dev.offload.transport.internal.shm.SpinGate;
import dev.offload.worker.internal.WorkerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Reading every worker's answers, for whichever thread holds the pool's {@link ReaderRole}: the
 * pool's {@link ReaderThread}, or a caller waiting in {@code get()}/{@code join()} that reads its
 * own answer ({@link #lead}). A sweep polls each worker once and settles what it reads; when
 * nothing comes within the spin budget, the holder arms every worker's wake-up and lets the role go
 * ({@link #release}), and the reader thread sleeps on all the doorbells at once ({@link #sleep}).
 *
 * <p>With an {@link AnswerLoop} attached ({@link WorkerPool#readAnswersOn}) the doorbells are
 * watched by that loop's selector instead, and a ring makes the loop's own thread take the role
 * and read ({@link #readOnLoop}): one wake-up per answer, the loop's, or none when the loop
 * submitted the job itself and the answer came while it swept on for a few microseconds after
 * ({@link #submittedOnLoop}, {@link #sweepBriefly}). The reader thread then sleeps
 * on its selector with no doorbell in it, woken only by requests and its safety net, and never
 * spins. Which of the two watches the doorbells is decided by the reader thread alone
 * ({@link #place}), so a doorbell is never read by both at once for long. The loop never waits:
 * a send that would wait, and a read that might (a channel whose
 * {@link dev.offload.transport.internal.Channel#readMayWait} says so, once a minute over shm), it
 * leaves to the reader thread, woken for it.
 *
 * <p>Threading: {@link #sweep}, {@link #readUntilIdle}, {@link #release} only by the role holder;
 * {@link #sleep} only by the reader thread (it owns the selector and, while no loop is attached, the
 * doorbells' read side); {@link #readOnLoop} only on the attached loop's thread;
 * {@link #requestDispatch}, {@link #linkJoined}, {@link #attach}, {@link #detach} and
 * {@link #wakeUp} from any thread.
 */
final class PoolReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolReader.class);
    /** Frames read from one worker before the next gets its turn. */
    private static final int BATCH = 64;
    /** The longest the reader thread sleeps before it looks anyway: a safety net, counted when it catches anything. */
    private static final long SAFETY_NET_MILLIS = 100;
    /**
     * The safety net while no job is in flight or queued: no answer can be late then, and a job
     * submitted during the sleep rings the doorbell with its answer as any other. Ten wake-ups a
     * second of an idle caller's JVM fewer (figure 6 in BENCHMARKS.md: a wake-up of a parked
     * thread cost about 180 µs of CPU on one VM). Not while an attached loop is shutting down:
     * the doorbells come back from it at the next wake-up.
     */
    private static final long IDLE_SAFETY_NET_MILLIS = 1_000;
    /** How long a waiting caller waits for the reader thread to hand the role over. */
    private static final long HANDOVER_WAIT_NANOS = 20_000;
    /**
     * The reader thread's nap while many jobs are in flight ({@link #readUntilIdle}). Linux adds its
     * timer slack (50 us for an ordinary thread) and the wake-up, so a nap lasts about 90 us (p50 of
     * 2,000 measured on a 2-core VM). A shorter real nap (the thread's own slack lowered through
     * /proc/&lt;tid&gt;/timerslack_ns) cost more CPU a job and did not raise shm's throughput.
     */
    private static final long NAP_NANOS = 20_000;
    /** Jobs in flight per live worker, on average, from which the reader thread naps rather than sleeps. */
    private static final int NAP_IN_FLIGHT_PER_WORKER = 8;
    /**
     * The longest an attached loop keeps sweeping, with jobs in flight, before it arms the doorbells
     * and returns to its own I/O. An answer that comes within it costs the worker no ring and the
     * loop no wake-up (5-20 us each on a small VM, more than a short job's whole round trip); one
     * that does not costs the loop this much CPU.
     */
    static final long LOOP_SPIN_CAP_NANOS = 10_000;
    /** Brief sweeps in a row that caught nothing, after which the loop stops sweeping on. */
    private static final int LOOP_MISSES_TO_STOP = 3;
    /**
     * While it does not sweep on, the loop still tries once in this many times (a power of two), to
     * find out when answers come fast again: the time to an answer it was woken for includes its own
     * wake-up, always longer than the cap, so that cannot tell.
     */
    private static final int LOOP_PROBE_EVERY = 4;
    /**
     * How long before a full sleep of the reader thread ended a job must have been sent for its
     * answer, read right after, to count as a lost wake-up ({@code lateReads}): an answer to a job
     * sent just as the safety net fired is only a coincidence (seen once in {@code .ci/run}).
     */
    private static final long LATE_READ_MARGIN_NANOS = 50_000_000L;

    private final WorkerPool pool;
    final ReaderRole role = new ReaderRole();
    private final Selector selector;
    private final SpinGate gate;
    /** Role-owned: how long to spin before sleeping, from how soon answers have come. */
    private final AdaptiveSpin spin;
    /** How long an attached loop sweeps on for an answer: {@link #LOOP_SPIN_CAP_NANOS}, or 0 when spinning is off. */
    private final long loopSpinNanos;
    /**
     * Role-owned, the attached loop's: brief sweeps in a row that caught nothing, at most
     * {@link #LOOP_MISSES_TO_STOP}; the loop sweeps on while it is below that ({@link #sweepBriefly}).
     */
    private int loopMisses = LOOP_MISSES_TO_STOP;
    /** Role-owned, the attached loop's: times it found nothing and did not sweep on. */
    private int loopProbes;
    /** A read is queued on the attached loop, after a job the loop itself submitted ({@link #submittedOnLoop}). */
    private volatile boolean loopReadQueued;
    private final Runnable loopRead = () -> {
        loopReadQueued = false;
        readOnLoop();
    };
    /** Role-owned: nanoTime since when the holders have found nothing, 0 while frames come. */
    private long idleSince;
    /**
     * Callers waiting in get/join that found the role held and want it: the reader thread hands it
     * over at its next sweep (the caller then reads its own answer, and nobody has to wake it).
     */
    private final AtomicInteger wanted = new AtomicInteger();
    /** Role-owned: the holder is a caller waiting in get/join, not the reader thread. */
    private boolean callerLeads;
    /**
     * When the reader thread's last sleep ran to the safety net's end with nothing waking it (a
     * nanoTime), 0 if it did not.
     */
    private volatile long sleptFullUntil;
    /** Role-owned: this sweep read the answer to a job sent well before a full sleep ended. */
    private boolean lateAnswerFound;
    /** Links whose doorbell the reader thread must register before it next sleeps. */
    private final ConcurrentLinkedQueue<WorkerLink> joined = new ConcurrentLinkedQueue<>();
    /** Set by a thread that queued jobs a worker could take now: the holder sends them. */
    private volatile boolean dispatchWanted;
    /** Set by an attached loop whose send would have waited: the reader thread sends, and may wait. */
    private volatile boolean waitingDispatchWanted;
    /**
     * Set by an attached loop that left a worker's answers unread because reading them might wait
     * (its queue moving to the next file, {@link dev.offload.transport.internal.Channel#readMayWait}):
     * the reader thread reads them, and may wait.
     */
    private volatile boolean waitingReadWanted;
    /** Role-owned: the holder may block in a send (the reader thread, a caller in get); false on a loop. */
    private boolean mayBlock = true;
    /** The loop that should watch the doorbells ({@link WorkerPool#readAnswersOn}); null: the reader thread. */
    private final AtomicReference<AnswerLoop> wantedLoop = new AtomicReference<>();
    /** Where the doorbells are watched now: written by the reader thread in {@link #place}; null: its selector. */
    private volatile AnswerLoop placedLoop;
    /** In {@link #place}, under its own lock: the links whose doorbell is registered where {@link #placedLoop} says. */
    private final List<WorkerLink> placed = new ArrayList<>();

    PoolReader(WorkerPool pool, SpinGate gate, long spinCapNanos) throws IOException {
        this.pool = pool;
        this.gate = gate;
        this.spin = new AdaptiveSpin(spinCapNanos);
        this.loopSpinNanos = Math.min(spinCapNanos, LOOP_SPIN_CAP_NANOS);
        this.selector = Selector.open();
    }

    // ---- any thread ----

    /** A worker joined: the reader thread registers its doorbell and reads it from its next sweep on. */
    void linkJoined(WorkerLink link) {
        joined.add(link);
        selector.wakeup();
    }

    /**
     * Queued jobs could go to a worker now (one refused a send, or credit freed without an answer):
     * the role holder sends them, woken if nobody holds the role. The reader thread also asks so
     * when it was woken but cannot read: the holder then sweeps once more before it lets go.
     */
    void requestDispatch() {
        dispatchWanted = true;
        // Dekker with release(): [flag] fence [role] against [role FREE] fence [flag].
        VarHandle.fullFence();
        if (role.isFree()) {
            selector.wakeup();
        }
    }

    /**
     * An attached loop left queued jobs that only a send that may wait can give a worker (a new
     * queue file is due, or another thread was sending): the reader thread does it, woken for it.
     */
    void dispatchMayWait() {
        waitingDispatchWanted = true;
        selector.wakeup();
    }

    /** True while an attached loop waits for the reader thread to make a send or a read that may wait. */
    boolean waitingWorkWanted() {
        return waitingDispatchWanted || waitingReadWanted;
    }

    /**
     * Role holder: true when this holder must not read {@code link} now, because it never waits (an
     * attached loop) and reading might ({@link dev.offload.transport.internal.Channel#readMayWait}).
     */
    private boolean leaveToReaderThread(WorkerLink link) {
        return !mayBlock && link.channel.readMayWait();
    }

    /** An attached loop left a worker's answers to a reader that may wait: the reader thread, woken for it. */
    private void leaveReadsToReaderThread() {
        waitingReadWanted = true;
        pool.counters().readsLeftToReaderThread.increment();
        selector.wakeup();
    }

    /** Wakes the reader thread from its sleep (a worker is gone, the pool is closing). */
    void wakeUp() {
        selector.wakeup();
    }

    /**
     * From now on {@code loop} watches the doorbells (the reader thread moves them within its next
     * wake-up). False when a loop is attached already.
     */
    boolean attach(AnswerLoop loop) {
        if (!wantedLoop.compareAndSet(null, loop)) {
            return false;
        }
        selector.wakeup();
        return true;
    }

    /** Gives the doorbells back to the reader thread, if {@code loop} still has them. */
    void detach(AnswerLoop loop) {
        if (wantedLoop.compareAndSet(loop, null)) {
            selector.wakeup();
        }
    }

    /** The attached loop, or null. */
    AnswerLoop attachedLoop() {
        return wantedLoop.get();
    }

    // ---- role holder ----

    /**
     * One pass over every worker: reads up to {@link #BATCH} frames from each and settles them, and
     * sends queued jobs where there is credit. Returns the frames read, or -1 when the role was
     * taken from this thread while it ran user code (it must then touch no channel again).
     */
    int sweep(ReaderRole.Holder me) {
        int handled = 0;
        boolean mayWait = mayBlock; // role-owned: read while this thread holds the role
        if (mayBlock) {
            waitingReadWanted = false; // this sweep reads every channel, and may wait
        }
        boolean leftToReaderThread = false;
        long lastRead = 0; // the clock read for the last frame handled
        if (dispatchWanted || (mayBlock && waitingDispatchWanted)) {
            dispatchWanted = false;
            if (mayBlock) {
                waitingDispatchWanted = false;
                for (WorkerLink link : pool.links()) {
                    link.flushHeld(true); // JOB frames a holder that may not wait left (a new queue file was due)
                }
            }
            pool.dispatcher().dispatchQueued(mayBlock);
            pool.dispatcher().rebalance(System.nanoTime(), mayBlock);
        }
        for (WorkerLink link : pool.links()) {
            if (link.reaped) {
                continue;
            }
            int n = 0;
            // An event loop never waits: the reader thread reads this one. Asked once a batch, which
            // takes microseconds: the answer holds from 10 ms before the queue's cycle ends.
            boolean left = leaveToReaderThread(link);
            try {
                while (n < BATCH && !left) {
                    Frame frame = link.channel.poll();
                    if (frame == null) {
                        break;
                    }
                    n++;
                    long now = System.nanoTime(); // the one clock read per frame: a read costs tens of ns
                    lastRead = now;
                    if (n == 1) {
                        link.lastHeard = now; // once a batch: the supervisor's liveness check counts in seconds
                    }
                    if (!handle(me, link, frame, now, mayWait)) {
                        return -1;
                    }
                }
                if (n == 0 && link.gone && !left) {
                    reap(link, null);
                }
            } catch (IOException e) {
                reap(link, e);
            }
            leftToReaderThread |= left;
            handled += n;
        }
        if (leftToReaderThread) {
            leaveReadsToReaderThread();
        }
        if (handled > 0) {
            pool.dispatcher().rebalance(lastRead, mayWait); // a worker that answered has room; one that did not may be stalled
            if (idleSince != 0) {
                spin.record(System.nanoTime() - idleSince);
                idleSince = 0;
            }
            if (lateAnswerFound && !callerLeads) {
                pool.counters().lateReads.increment();
            }
        }
        lateAnswerFound = false;
        sleptFullUntil = 0;
        return handled;
    }

    /**
     * False when the role was stolen during user code. {@code now}: when the frame was read (a
     * nanoTime); {@code mayWait}: {@link #mayBlock} as this sweep began.
     */
    private boolean handle(ReaderRole.Holder me, WorkerLink link, Frame frame, long now, boolean mayWait) {
        switch (frame.type()) {
            case RESULT, ERROR -> {
                Job head = link.inFlight.peek();
                if (head == null || head.id != frame.jobId() || head.attempts != frame.attempt()) {
                    link.kill("answered job " + frame.jobId() + " (attempt " + frame.attempt() + ") while "
                            + (head == null ? "it held no job" : head.describe() + " (attempt " + head.attempts + ") was running"));
                    link.gone = true;
                    return true;
                }
                long runNanos = WorkerProtocol.runNanos(frame);
                long fullSleepEnded = sleptFullUntil;
                if (fullSleepEnded != 0 && fullSleepEnded - head.sentAt >= LATE_READ_MARGIN_NANOS) {
                    lateAnswerFound = true;
                }
                Job job = link.answered(runNanos, now);
                if (link.flushDue()) {
                    link.flushHeld(mayWait); // before user code runs: the worker is running out of jobs in hand
                }
                boolean kept;
                role.enterCallback(me, now); // the frame was read microseconds ago: its time will do
                try {
                    if (frame.type() == FrameType.RESULT) {
                        pool.completer().succeed(job, frame.payload(), link, runNanos, callerLeads, now);
                    } else {
                        pool.completer().fail(job, frame.payload(), link, runNanos, callerLeads);
                    }
                } finally {
                    kept = role.exitCallback(me);
                }
                if (!kept) {
                    return false; // the role moved on while user code ran: stop here
                }
                pool.dispatcher().refill(link, mayBlock, now);
            }
            case PROGRESS -> {
                Job job = link.inFlight.find(frame.jobId());
                if (job != null && job.attempts == frame.attempt()) {
                    boolean kept;
                    role.enterCallback(me);
                    try {
                        pool.completer().progress(job, frame.payload());
                    } finally {
                        kept = role.exitCallback(me);
                    }
                    return kept;
                }
            }
            case HEARTBEAT -> {
                // lastHeard is all it is for
            }
            default -> LOG.warn("worker {} sent an unexpected {}", link.id(), frame);
        }
        return true;
    }

    /** The worker is gone (or its channel broke): out of service now, its jobs settled off this thread. */
    private void reap(WorkerLink link, IOException cause) {
        if (link.reaped) {
            return;
        }
        if (cause instanceof CorruptFrameException) {
            link.kill("broke its channel (" + cause.getMessage() + ")");
        }
        long[] started = link.channel.lastJobStarted(); // which of them it ran last (shm), before anything closes
        Job[] held = link.takeAll();
        link.stopWatching();
        SelectionKey key = link.channel.wakeups() == null ? null : link.channel.wakeups().keyFor(selector);
        if (key != null) {
            key.cancel();
        }
        pool.workerLost(link, held, WorkerLoss.runningIndex(held, started), cause);
    }

    /**
     * For the reader thread, holding the role: reads until nothing has come for the spin budget,
     * then releases it. False when the role was stolen.
     *
     * <p>While many jobs are in flight ({@link #manyInFlight}), it naps instead, keeping the role
     * and every doorbell quiet, and reads what came meanwhile in one batch (interrupt coalescing, as
     * a network card moderates its interrupts under load). Sleeping on the doorbells would cost a
     * ring by each worker and a wake-up per short gap in the answers; spinning would hold a core the
     * workers or the submitting thread need when there are fewer cores than busy threads (measured
     * on 2 cores, one thread submitting with 256 in flight: shm 1.08-1.19 M jobs/s with the nap
     * against 0.74-0.86 M without, 1.6 against 2.3-2.5 us of CPU a job). Only short jobs keep a
     * worker that full (its credit keeps about 100 us of run time queued), so a nap leaves no worker
     * without work and delays an answer by one nap at most. A nap that finds nothing ends the
     * napping until the next answer (jobs that turn out long cost one nap an answer at most); an
     * idle pool never naps.
     */
    boolean readUntilIdle(ReaderRole.Holder me) {
        callerLeads = false; // after a rescue, the stolen holder may have been a caller
        mayBlock = true;
        boolean napFoundNothing = false;
        while (true) {
            int n = sweep(me);
            if (n < 0) {
                return false;
            }
            if (wanted.get() > 0) {
                if (release(me)) {
                    return true;
                }
                continue;
            }
            if (n > 0) {
                napFoundNothing = false;
                continue;
            }
            long now = System.nanoTime();
            if (idleSince == 0) {
                idleSince = now;
            }
            if (placedLoop != null || nothingInFlight()) {
                // No answer can come before someone submits again, and when that someone is an event
                // loop (the answer went to its executor, or a callback posted to it), its thread must
                // first wake up, run the callback and submit: spinning now would hold the core it
                // needs to wake on. Measured on 2 vCPUs with a Vert.x loop: the hop onto the loop took
                // 19-21 us with the reader spinning and 10 us without, the round trip 32-35 us
                // against 25. A caller in get() reads its own answer and does not need this thread.
                // Nor, with a loop attached, does anyone: the loop's own selector hears the doorbells.
                if (release(me)) {
                    return true;
                }
                continue;
            }
            if (!napFoundNothing && !pool.isClosing() && manyInFlight()) {
                pool.counters().readerNaps.increment();
                LockSupport.parkNanos(NAP_NANOS);
                napFoundNothing = true; // until the sweep after it reads a frame
                continue;
            }
            if (!pool.isClosing() && gate.tryEnter()) {
                int got;
                try {
                    got = sweepUntil(me, idleSince + spin.budgetNanos(), true);
                } finally {
                    gate.exit();
                }
                if (got < 0) {
                    return false;
                }
                if (got > 0) {
                    continue;
                }
            }
            if (release(me)) {
                return true;
            }
        }
    }

    /**
     * Role holder: sweeps until a frame comes, {@code deadline} (a nanoTime) passes, a caller wants
     * the role or the pool closes; {@code pause} ({@link SpinWait#pause}) before each sweep (not on an event loop). The frames
     * read, 0 when none came, or -1 when the role was taken.
     */
    private int sweepUntil(ReaderRole.Holder me, long deadline, boolean pause) {
        long start = System.nanoTime();
        for (long now = start; now - deadline < 0 && wanted.get() == 0 && !pool.isClosing(); now = System.nanoTime()) {
            if (pause) {
                SpinWait.pause(now - start);
            }
            int n = sweep(me);
            if (n != 0) {
                return n;
            }
        }
        return 0;
    }

    /** At least {@link #NAP_IN_FLIGHT_PER_WORKER} jobs in flight per live worker, on average. */
    private boolean manyInFlight() {
        int live = 0;
        int inFlight = 0;
        for (WorkerLink link : pool.links()) {
            if (!link.reaped) {
                live++;
                inFlight += link.load();
            }
        }
        return live > 0 && inFlight >= NAP_IN_FLIGHT_PER_WORKER * live;
    }

    /** Nothing in flight, nothing queued, and no attached loop shutting down: the long safety net will do. */
    private boolean quiet() {
        AnswerLoop loop = placedLoop;
        return nothingInFlight() && pool.queue().size() == 0 && (loop == null || !loop.isShuttingDown());
    }

    private boolean nothingInFlight() {
        for (WorkerLink link : pool.links()) {
            if (link.load() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * For a caller waiting for {@code done}: takes the role if it is free and reads (everyone's
     * answers, its own among them) until {@code done} holds, the spin budget passes or the deadline
     * (a nanoTime, 0 for none) does. False when the role was taken: wait the ordinary way.
     */
    boolean lead(BooleanSupplier done, long deadline) {
        ReaderRole.Holder me = ReaderRole.mine();
        if (!role.tryAcquire(me) && !awaitRole(me, done)) {
            return false;
        }
        disarmAll(); // we are reading: no worker needs to ring anyone
        callerLeads = true;
        mayBlock = true;
        long start = System.nanoTime();
        while (true) {
            int n = sweep(me);
            if (n < 0) {
                return true; // the role was taken while user code ran; we are a plain waiter again
            }
            if (n > 0) {
                pool.counters().readByCaller.add(n);
            }
            long now = System.nanoTime();
            boolean over = done.getAsBoolean() || now - start >= spin.budgetNanos()
                    || (deadline != 0 && now - deadline >= 0) || pool.isClosing();
            if (n == 0 && idleSince == 0) {
                idleSince = now;
            }
            if (over && release(me)) {
                return true;
            }
            if (n == 0) {
                SpinWait.pause(now - start);
            }
        }
    }

    /**
     * The role is held (by the reader thread, spinning): asks for it and waits a moment, yielding,
     * for it to be handed over. False when it was not, or the answer came meanwhile.
     */
    private boolean awaitRole(ReaderRole.Holder me, BooleanSupplier done) {
        wanted.incrementAndGet();
        try {
            long deadline = System.nanoTime() + HANDOVER_WAIT_NANOS;
            do {
                Thread.yield();
                if (done.getAsBoolean()) {
                    return false;
                }
                if (role.tryAcquire(me)) {
                    return true;
                }
            } while (System.nanoTime() - deadline < 0);
            return false;
        } finally {
            wanted.decrementAndGet();
        }
    }

    /**
     * Arms every worker's wake-up and lets the role go, unless a frame or a dispatch request came
     * meanwhile: then the role is kept (false) and the holder sweeps again. After a true return no
     * frame goes unnoticed: the next one rings the reader thread.
     */
    boolean release(ReaderRole.Holder me) {
        List<WorkerLink> armed = new ArrayList<>();
        boolean leftToReaderThread = false;
        for (WorkerLink link : pool.links()) {
            if (link.reaped) {
                continue;
            }
            if (leaveToReaderThread(link)) {
                // Arming polls, and that poll might wait: left unarmed to the reader thread, which
                // sweeps it (asked below) and arms it when it lets the role go.
                leftToReaderThread = true;
                continue;
            }
            boolean quiet;
            try {
                quiet = link.channel.prepareSleep();
            } catch (IOException e) {
                quiet = false; // the next sweep's poll meets the same failure and reaps the worker
            }
            if (!quiet || link.gone) {
                for (WorkerLink l : armed) {
                    l.channel.cancelSleep();
                }
                link.channel.cancelSleep();
                return false;
            }
            armed.add(link);
        }
        boolean leading = callerLeads;
        callerLeads = false;
        role.release(me);
        if (leftToReaderThread) {
            leaveReadsToReaderThread();
        }
        // Dekker with requestDispatch(): [role FREE] fence [flag] against [flag] fence [role].
        VarHandle.fullFence();
        if (dispatchWanted && role.tryAcquire(me)) {
            callerLeads = leading;
            for (WorkerLink l : armed) {
                l.channel.cancelSleep();
            }
            return false;
        }
        return true;
    }

    private void disarmAll() {
        for (WorkerLink link : pool.links()) {
            if (!link.reaped) {
                link.channel.cancelSleep();
            }
        }
    }

    // ---- the attached loop's thread ----

    /**
     * From {@code submit()}, once its JOB frame is written: when the calling thread is the attached
     * loop's, queues a read on the loop, which runs when the loop's current task (the callback that
     * submitted) returns and before the loop sleeps. It sweeps on briefly for the answer
     * ({@link #sweepBriefly}), so a short job's answer needs neither the worker's ring nor the loop's
     * wake-up. One queued read at a time.
     */
    void submittedOnLoop() {
        AnswerLoop loop = placedLoop;
        if (loop != null && !loopReadQueued && loop.inLoop()) {
            loopReadQueued = true;
            loop.execute(loopRead);
        }
    }

    /** A worker's doorbell rang, heard by the attached loop: reads it away and reads the answers. */
    private void loopHeard(WorkerLink link) {
        if (link.channel.drainWakeups()) {
            link.gone = true;
        }
        pool.counters().loopWakeups.increment();
        readOnLoop();
    }

    /**
     * Takes the role and reads until nothing is left, then, once, sweeps on for a few microseconds
     * if jobs are in flight and that has been catching answers ({@link #sweepBriefly}: never longer,
     * the loop has its own I/O to serve), then lets the role go with every wake-up armed. When the
     * role is held (a caller leads, the reader thread reads), the holder is asked to sweep once more
     * before it lets go.
     */
    void readOnLoop() {
        ReaderRole.Holder me = ReaderRole.mine();
        while (!role.tryAcquire(me)) {
            dispatchWanted = true;
            // Dekker with release(): [flag] fence [role] against [role FREE] fence [flag].
            VarHandle.fullFence();
            if (!role.isFree()) {
                return;
            }
        }
        callerLeads = false;
        mayBlock = false; // an event loop: a send that would wait goes to the reader thread
        boolean waited = false;
        while (true) {
            int n = sweep(me);
            if (n < 0) {
                return; // stolen while user code ran: a rescuer reads now
            }
            if (n > 0) {
                if (wanted.get() == 0) {
                    continue;
                }
            } else if (!waited) {
                waited = true; // once a turn: the loop's own I/O comes next
                n = sweepBriefly(me);
                if (n < 0) {
                    return;
                }
                if (n > 0) {
                    continue;
                }
            }
            if (release(me)) {
                return;
            }
        }
    }

    /**
     * For an attached loop holding the role that found nothing: sweeps on, without yielding,
     * parking or spin-waiting (the loop must not block), until a frame comes or
     * {@link #LOOP_SPIN_CAP_NANOS} pass, while jobs are in flight and a spinning slot is free
     * ({@link SpinGate}: with every core taken nobody spins). It keeps doing so while it catches answers, stops after
     * {@link #LOOP_MISSES_TO_STOP} misses in a row (long jobs: the doorbell is cheaper then), and
     * tries again once in {@link #LOOP_PROBE_EVERY}. The frames read, or -1 when the role was taken.
     */
    private int sweepBriefly(ReaderRole.Holder me) {
        if (loopSpinNanos == 0 || wanted.get() > 0 || nothingInFlight()) {
            return 0; // before the probe count: these say nothing about how soon answers come
        }
        if (loopMisses >= LOOP_MISSES_TO_STOP && (++loopProbes & (LOOP_PROBE_EVERY - 1)) != 0) {
            return 0;
        }
        if (!gate.tryEnter()) {
            return 0;
        }
        int n;
        try {
            disarmAll(); // we are reading: no worker needs to ring the loop (release() arms them again)
            // No yield and no Thread.onSpinWait (BlockHound counts both as waiting): each turn is a
            // poll of every worker's queue, work of its own, bounded by the deadline.
            n = sweepUntil(me, System.nanoTime() + loopSpinNanos, false);
        } finally {
            gate.exit();
        }
        if (n > 0) {
            loopMisses = 0;
            pool.counters().loopSweepsCaught.increment();
        } else if (n == 0 && loopMisses < LOOP_MISSES_TO_STOP) {
            loopMisses++;
        }
        return n;
    }

    // ---- reader thread ----

    /**
     * Sleeps until a doorbell rings, a worker goes, someone calls {@link #wakeUp}, or the safety
     * net's time passes; reads away what rang.
     */
    void sleep() throws IOException {
        place();
        long net = quiet() ? IDLE_SAFETY_NET_MILLIS : SAFETY_NET_MILLIS;
        long start = System.nanoTime();
        int ready = selector.select(net);
        if (ready == 0) {
            boolean full = System.nanoTime() - start >= net * 900_000L;
            // With a loop attached the selector holds no doorbell: every quiet sleep runs full.
            sleptFullUntil = full && placedLoop == null ? System.nanoTime() : 0;
            if (!full) {
                pool.counters().readerWakeups.increment();
            }
            return;
        }
        pool.counters().readerWakeups.increment();
        for (SelectionKey key : selector.selectedKeys()) {
            WorkerLink link = (WorkerLink) key.attachment();
            if (key.isValid() && link.channel.drainWakeups()) {
                link.gone = true;
            }
        }
        selector.selectedKeys().clear();
    }

    /**
     * Puts every doorbell where it should be watched: the attached loop, else this selector. Moves
     * them all when the attachment changed (or the loop is shutting down: then it is detached), and
     * registers the links that joined since.
     */
    private void place() {
        // A rescued reader thread and its replacement may both be on their way to sleep for a moment.
        synchronized (placed) {
            placeHoldingLock();
        }
    }

    private void placeHoldingLock() {
        AnswerLoop want = wantedLoop.get();
        if (want != null && (want.isShuttingDown() || pool.isReleased())) {
            LOG.debug("answers go back to the reader thread: {} is shutting down", want);
            detach(want);
            want = null;
        }
        if (want != placedLoop) {
            for (WorkerLink link : placed) {
                SelectionKey key = link.channel.wakeups().keyFor(selector);
                if (key != null) {
                    key.cancel();
                }
                link.unwatchLoop();
                joined.add(link);
            }
            placed.clear();
            placedLoop = want;
        }
        placed.removeIf(link -> link.reaped);
        WorkerLink link;
        while ((link = joined.poll()) != null) {
            SelectableChannel wakeups = link.channel.wakeups();
            if (wakeups == null || link.reaped) {
                continue;
            }
            if (want != null) {
                WorkerLink heard = link;
                try {
                    if (link.watchOn(want, () -> loopHeard(heard))) {
                        placed.add(link);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("{} cannot watch worker {}'s wake-ups ({}); the pool's reader thread reads them again",
                            want, link.id(), e.toString());
                    joined.add(link);
                    detach(want);
                    placeHoldingLock();
                    return;
                }
                continue;
            }
            try {
                wakeups.register(selector, SelectionKey.OP_READ, link);
                placed.add(link);
            } catch (ClosedChannelException e) {
                link.gone = true; // closed before we got to it: the next sweep reaps it
            }
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the reader's selector: {}", e.toString());
        }
    }
}
