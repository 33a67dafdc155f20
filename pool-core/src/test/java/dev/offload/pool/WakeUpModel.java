package dev.offload.pool;

import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool's data path around the real {@link ReaderRole}, for Lincheck: two workers' channels
 * ({@link ModelChannel}), callers that lead, the first reader thread, and a supervisor that rescues
 * a stalled holder. Each operation is one thread's step; a worker's operations, and the first
 * reader thread's, stay on one model thread each, as they do on one process or thread. The
 * validation lets the designated reader thread wake for whatever is still pending, then requires
 * that nothing is left unread, unserved, unreaped, or unable to ring.
 *
 * <p>The real {@code PoolReader} needs a pool, a selector and live channels, so the protocol is
 * modelled step for step; each step names the production method it mirrors. What the model leaves
 * out, and why that is safe for "no lost wake-up":
 * <ul>
 *   <li>the spin before a release ({@code AdaptiveSpin}, {@code SpinGate}): it only adds sweeps;</li>
 *   <li>{@code callerLeads}, counters, timing: they do not decide who reads;</li>
 *   <li>batches ({@code BATCH}): a model run appends far fewer frames than a batch;</li>
 *   <li>how a worker's death is seen (the doorbell's EOF, a failed send): the exit hook's
 *       wake-up stands for them;</li>
 *   <li>a rescuer's life after its first sleep: the validation plays it; the first reader thread
 *       stands for every reader thread that is replaced.</li>
 * </ul>
 * Lincheck's model checker explores interleavings under sequential consistency. The real code gets
 * that order for these steps from its CASes and its two full fences (ShmChannel.ringIfAsleep,
 * PoolReader.requestDispatch/release); the model keeps the fences where the code has them.
 */
public class WakeUpModel {
    private static final int FIRST_READER = 1;
    private final ModelChannel[] channels = {new ModelChannel(), new ModelChannel()};
    private final ReaderRole role = new ReaderRole();
    /** PoolReader.wanted: callers waiting for the holder to hand the role over. */
    private final AtomicInteger wanted = new AtomicInteger();
    /** PoolReader.dispatchWanted. */
    private volatile boolean dispatchWanted;
    /** Role-owned: dispatchQueued() calls, the sweeps that served a dispatch request. */
    private int dispatches;
    /** Selector.wakeup() is sticky: it makes the current or next select return. */
    private final AtomicBoolean selectorWoken = new AtomicBoolean();
    /** WorkerPool.designated(): which reader thread sleeps on the selector (1: the first; then rescuers). */
    private volatile int designated = FIRST_READER;
    private final AtomicInteger readerThreads = new AtomicInteger(FIRST_READER);
    /** The first reader thread's run() has returned; written by its own operations only. */
    private boolean firstReaderEnded;

    public WakeUpModel() {
        // ReaderThread.run, up to its first sleep: with nothing to read, it arms every channel.
        ReaderRole.Holder me = ReaderRole.mine();
        if (role.tryAcquire(me)) {
            readUntilIdle(me);
        }
    }

    // ---- operations ----

    /** Worker 0 answers a job. */
    @Operation(nonParallelGroup = "worker0")
    public void worker0Sends() {
        workerSends(channels[0]);
    }

    /**
     * Worker 0's process exits: WorkerPool.addLink's onExit hook (Dispatcher.send's failure path
     * does the same). A plain wake-up, with no flag for the holder to re-check.
     */
    @Operation(nonParallelGroup = "worker0")
    public void worker0Exits() {
        ModelChannel c = channels[0];
        if (!c.gone) {
            c.gone = true;           // link.gone = true
            selectorWoken.set(true); // reader.wakeUp()
        }
    }

    /** Worker 1 answers a job. */
    @Operation(nonParallelGroup = "worker1")
    public void worker1Sends() {
        workerSends(channels[1]);
    }

    /** PoolReader.requestDispatch: queued jobs could go to a worker now (WorkerPool.submit, WorkerLoss). */
    @Operation
    public void requestDispatch() {
        dispatchWanted = true;
        VarHandle.fullFence(); // Dekker with release(): [flag] fence [role] against [role FREE] fence [flag]
        if (role.isFree()) {
            selectorWoken.set(true); // selector.wakeup()
        }
    }

    /**
     * PoolReader.lead from JobFuture.await, for a caller whose own answer is not among what it
     * reads: it leaves as soon as it may (its spin budget passes at once).
     */
    @Operation
    public void callerLeads() {
        ReaderRole.Holder me = ReaderRole.mine();
        if (!role.tryAcquire(me) && !awaitRole(me)) {
            return; // it waits the ordinary way: parked until the reader thread completes its job
        }
        disarmAll();
        while (true) {
            int n = sweep(me);
            if (n < 0) {
                return; // stolen while user code ran
            }
            if (release(me)) {
                return;
            }
        }
    }

    /**
     * ReaderThread.run of the first reader thread, from inside PoolReader.sleep: nothing happens
     * unless a doorbell rang or the selector was woken (the 100 ms safety net is what this test
     * does without). Then one turn of its loop, back to sleep.
     */
    @Operation(nonParallelGroup = "firstReaderThread")
    public void firstReaderThreadWakes() {
        if (firstReaderEnded || !wakeUpPending()) {
            return;
        }
        takeWakeUps();
        if (designated != FIRST_READER) { // ReaderThread.run: the loop's condition after sleep()
            firstReaderEnded = true;
            replacedReaderLeaves();
            return;
        }
        readerThreadTurn(ReaderRole.mine());
        if (designated != FIRST_READER) { // stolen, or replaced while it read: run() returns
            firstReaderEnded = true;
            replacedReaderLeaves();
        }
    }

    /**
     * Supervisor.rescueStalledReader and ReaderThread.rescue, then the rescuer's run() up to its
     * first sleep. The new reader thread's steps run on this model thread.
     */
    @Operation
    public void supervisorRescuesStalledReader() {
        if (role.stalledSince(ReaderRoleLincheckTest.anyCallback()) == null) {
            return; // nobody is in user code: nothing to rescue
        }
        int rescuer = readerThreads.incrementAndGet();
        designated = rescuer;    // pool.designate(t)
        selectorWoken.set(true); // reader.wakeUp(): the replaced reader may sleep on the selector
        ReaderRole.Holder me = ReaderRole.mine();
        if (role.steal(me, ReaderRoleLincheckTest.anyCallback()) && !readUntilIdle(me)) {
            return; // stolen in turn by a later rescuer
        }
        if (designated == rescuer) {
            readerThreadTurn(me);
        }
    }

    /**
     * At the end of every run: the designated reader thread wakes for whatever is pending, as it
     * would (without the safety net). Then nothing may be left unread or unserved, the role must
     * be free, and every channel armed, or its next frame would ring nobody.
     */
    @Validate
    public void everyFrameIsReadByWhoeverIsWoken() {
        String before = state();
        ReaderRole.Holder me = ReaderRole.mine();
        while (wakeUpPending()) {
            takeWakeUps();
            if (!role.tryAcquire(me)) {
                throw new AssertionError("the reader role is still held after every operation ended: " + before);
            }
            readUntilIdle(me);
        }
        for (int i = 0; i < channels.length; i++) {
            ModelChannel c = channels[i];
            if (c.polled != c.appended.get()) {
                throw new AssertionError("channel " + i + " has unread frames and no wake-up is pending, so the"
                        + " designated reader sleeps through them (lost wake-up); at the end of the run: " + before);
            }
            if (c.gone != c.reaped) {
                throw new AssertionError("channel " + i + "'s worker is gone but nobody reaped it and no wake-up is"
                        + " pending (lost wake-up); at the end of the run: " + before);
            }
            if (!c.reaped && c.sleeping.get() != 1) {
                throw new AssertionError("channel " + i + " is not armed while the reader sleeps: its next frame"
                        + " would ring nobody; at the end of the run: " + before);
            }
        }
        if (dispatchWanted) {
            throw new AssertionError("a dispatch request is left unserved and no wake-up is pending; at the end"
                    + " of the run: " + before);
        }
        if (!role.isFree()) {
            throw new AssertionError("the reader role is still held after every operation ended: " + before);
        }
    }

    String state() {
        return "[ch0 " + channels[0] + "; ch1 " + channels[1] + "; role " + role + "; dispatchWanted " + dispatchWanted
                + "; dispatches " + dispatches + "; selectorWoken " + selectorWoken.get() + "; designated reader " + designated + "]";
    }

    // ---- variation points: the production behaviour here, the broken one in the subclasses ----

    /**
     * ReaderThread.run: woken, it found the role held. The holder may already have looked at
     * the channel that rang and be about to let go: ask it to sweep once more (the dispatch
     * request's Dekker makes it look again after its release, or wakes us if the role is free).
     */
    void readerThreadFoundRoleHeld() {
        requestDispatch();
    }

    /** ReaderThread.run, leaving after a rescuer replaced it: hand on the wake-up it may have drained. */
    void replacedReaderLeaves() {
        requestDispatch();
    }

    /** ShmChannel.send, from a worker that has not exited. */
    void workerSends(ModelChannel c) {
        if (!c.gone) {
            c.send();
        }
    }

    // ---- PoolReader, reader thread ----

    /** One turn of ReaderThread.run's loop: take the role and read, or leave it to its holder. */
    private void readerThreadTurn(ReaderRole.Holder me) {
        if (role.tryAcquire(me)) {
            readUntilIdle(me);
        } else {
            readerThreadFoundRoleHeld();
        }
    }

    private boolean wakeUpPending() {
        return selectorWoken.get() || channels[0].rung() || channels[1].rung();
    }

    /**
     * PoolReader.sleep after select returned: the select takes the selector's wake-up, and the
     * reader drains the doorbells that rang.
     */
    private void takeWakeUps() {
        selectorWoken.set(false);
        for (ModelChannel c : channels) {
            if (c.rung()) {
                c.drain(); // Channel.drainWakeups
            }
        }
    }

    // ---- PoolReader, role holder ----

    /** PoolReader.readUntilIdle, spinning zero times before it releases. */
    private boolean readUntilIdle(ReaderRole.Holder me) {
        while (true) {
            int n = sweep(me);
            if (n < 0) {
                return false;
            }
            if (wanted.get() > 0) { // a caller asked for the role: hand it over
                if (release(me)) {
                    return true;
                }
                continue;
            }
            if (n > 0) {
                continue;
            }
            if (release(me)) {
                return true;
            }
        }
    }

    /** PoolReader.sweep: serve a dispatch request, then poll every channel; -1 once stolen. */
    private int sweep(ReaderRole.Holder me) {
        int handled = 0;
        if (dispatchWanted) {
            dispatchWanted = false;
            dispatches++; // pool.dispatcher().dispatchQueued()
        }
        for (ModelChannel c : channels) {
            if (c.reaped) {
                continue;
            }
            int n = 0;
            while (c.poll()) {
                n++;
                if (!handle(me)) {
                    return -1;
                }
            }
            if (n == 0 && c.gone) {
                c.reaped = true; // reap(link, null): everything it sent has been read
            }
            handled += n;
        }
        return handled;
    }

    /** PoolReader.handle for a RESULT: user code (a direct completion) runs in CALLBACK. */
    private boolean handle(ReaderRole.Holder me) {
        role.enterCallback(me);
        // user code: the model checker may switch to a rescuer here
        return role.exitCallback(me);
    }

    /** PoolReader.release: arm every channel, let go, then the Dekker re-check of dispatchWanted. */
    private boolean release(ReaderRole.Holder me) {
        for (int i = 0; i < channels.length; i++) {
            ModelChannel c = channels[i];
            if (c.reaped) {
                continue;
            }
            boolean quiet = c.prepareSleep(); // a gone worker's channel fails it: poll meets the peer's EOF
            if (!quiet || c.gone) {
                for (int j = 0; j < i; j++) {
                    channels[j].cancelSleep();
                }
                c.cancelSleep();
                return false;
            }
        }
        role.release(me);
        VarHandle.fullFence(); // Dekker with requestDispatch(): [role FREE] fence [flag] against [flag] fence [role]
        if (dispatchWanted && role.tryAcquire(me)) {
            for (ModelChannel c : channels) {
                c.cancelSleep();
            }
            return false;
        }
        return true;
    }

    /** PoolReader.awaitRole: ask the holder for the role and try once more. */
    private boolean awaitRole(ReaderRole.Holder me) {
        wanted.incrementAndGet();
        try {
            return role.tryAcquire(me);
        } finally {
            wanted.decrementAndGet();
        }
    }

    /** PoolReader.disarmAll: a reading caller needs no doorbell rung. */
    private void disarmAll() {
        for (ModelChannel c : channels) {
            if (!c.reaped) {
                c.cancelSleep();
            }
        }
    }

    // ---- broken variants: each must lose a wake-up, or the model could not tell ----

    /** ReaderThread.run before the fix: woken while another thread held the role, it just slept again. */
    public static class ReaderThreadSleepsAgain extends WakeUpModel {
        @Override
        void readerThreadFoundRoleHeld() {
        }
    }

    /** ReaderThread.run before the fix: replaced by a rescuer, it left without a word. */
    public static class ReplacedReaderLeavesQuietly extends WakeUpModel {
        @Override
        void replacedReaderLeaves() {
        }
    }

    /** A worker that claims the sleeper before it publishes its frame (no Dekker): the classic lost wake-up. */
    public static class WorkerRingsFirst extends WakeUpModel {
        @Override
        void workerSends(ModelChannel c) {
            if (c.gone) {
                return;
            }
            boolean ring = c.sleeping.get() == 1 && c.sleeping.compareAndSet(1, 0);
            c.appended.incrementAndGet();
            if (ring) {
                c.rings.incrementAndGet();
            }
        }
    }
}
