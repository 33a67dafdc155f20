package dev.offload.pool;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.paramgen.ThreadIdGen;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link ReaderRole} under Lincheck's model checker, without processes: every interleaving of a
 * few threads' role transitions (up to the explored bound) is run, and any failed check below is
 * reported with the interleaving that caused it.
 *
 * <p>Two views of the role:
 * <ul>
 *   <li>{@link Holders}: whole hand-offs as {@link PoolReader} and {@link ReaderThread} do them
 *       (acquire-read-release; acquire-callback-release; a rescuer's steal). Invariants are checked
 *       inside the operations; the return values are linearizable against a counter.</li>
 *   <li>{@link Transitions}: one transition per operation, against the javadoc's transition table
 *       written as a sequential specification ({@link TransitionTable}).</li>
 * </ul>
 *
 * <p>The model checker explores interleavings under sequential consistency; that every transition is
 * a CAS on one {@code AtomicReference} is what makes the real JVM behave so for the role.
 */
// In a separate thread: a model-checked run that hangs does not answer the interrupt of the default mode.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReaderRoleLincheckTest {
    /**
     * A {@code stalledBefore} later than any callback's start: "steal from whoever is in user code".
     * How long a callback must run before a rescue is the supervisor's policy, not the role's.
     */
    static long anyCallback() {
        return System.nanoTime() + TimeUnit.DAYS.toNanos(1);
    }

    @Test
    void shouldKeepOneReaderThroughCallbacksAndSteals() {
        LincheckRuns.reset();
        LinChecker.check(Holders.class, new ModelCheckingOptions()
                .iterations(10)
                .invocationsPerIteration(300)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(0)
                .actorsAfter(0)
                .sequentialSpecification(Counter.class)
                .verifier(LincheckRuns.Linearizable.class));
        System.out.println("one reader, linearizable reads: " + LincheckRuns.summary());
    }

    @Test
    void shouldFollowTheTransitionTableOneStepAtATime() {
        LincheckRuns.reset();
        LinChecker.check(Transitions.class, new ModelCheckingOptions()
                .iterations(10)
                .invocationsPerIteration(200)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(TransitionTable.class)
                .verifier(LincheckRuns.Linearizable.class));
        System.out.println("transition table, linearizable: " + LincheckRuns.summary());
    }

    /**
     * Whole hand-offs. Each operation waits until it holds the role, reads once, and lets the role
     * go the way its production path does. Reading advances {@link #position}, a plain field
     * standing for what only the role holder may touch (a tailer's position, the in-flight rings),
     * and returns the position it read: two readers at once would lose an advance and return the
     * same position twice, which a counter never does, so the results would not linearize.
     *
     * <p>Why wait, when a production caller that finds the role held parks instead: "did this
     * operation get to read" depends on timing alone, and no sequential specification can say when
     * it is false. Once every operation reads exactly once, the order of reads is the only freedom,
     * and a counter specifies it.
     */
    public static class Holders {
        private final ReaderRole role = new ReaderRole();
        /** Role-owned, deliberately plain: see the class comment. */
        private long position;
        /** The thread between a successful acquire/steal/exitCallback and its release/enterCallback. */
        private final AtomicReference<Thread> reading = new AtomicReference<>();
        /**
         * Steals begun and steals returned. A steal that takes the role from a callback returns
         * after that callback began, so a holder whose exitCallback says "stolen" must see more
         * steals begun than had returned before its enterCallback.
         */
        private final AtomicInteger stealsBegun = new AtomicInteger();
        private final AtomicInteger stealsReturned = new AtomicInteger();
        /** Notified after each release, for operations waiting for the role. */
        private final Object roleFreed = new Object();

        /** The reader thread's or a leading caller's pass: acquire, read, release. */
        @Operation
        public long acquireReadRelease() {
            ReaderRole.Holder me = ReaderRole.mine();
            awaitRole(me);
            long at = read();
            release(me);
            return at;
        }

        /**
         * A pass that runs user code on what it read (PoolReader.handle): acquire, read, callback,
         * then release if the role is still its own, or stop at once if it was stolen meanwhile.
         */
        @Operation
        public long acquireCallbackRelease() {
            ReaderRole.Holder me = ReaderRole.mine();
            awaitRole(me);
            long at = read();
            int returnedBefore = stealsReturned.get();
            stopReading();
            role.enterCallback(me);
            // user code runs here; the model checker may switch to a rescuer at any point
            boolean kept = role.exitCallback(me);
            if (!kept) {
                if (stealsBegun.get() <= returnedBefore) {
                    fail("exitCallback returned false though no steal was under way: " + role);
                }
                checkLeftRole(me);
                return at; // PoolReader.sweep returns -1: this thread touches no channel again
            }
            startReading();
            long now = position;
            if (now != at + 1) {
                fail("someone read while this thread held the role through a callback (position " + now + ", expected " + (at + 1) + ")");
            }
            release(me);
            return at;
        }

        /**
         * A rescuer (ReaderThread.rescue/run): steals the role from a holder in user code; when
         * there is none any more, it waits for the role like any reader thread. Reads, releases.
         */
        @Operation
        public long rescueOrRead() {
            ReaderRole.Holder me = ReaderRole.mine();
            stealsBegun.incrementAndGet();
            boolean stole = role.steal(me, anyCallback());
            stealsReturned.incrementAndGet();
            if (stole) {
                startReading();
            } else {
                awaitRole(me);
            }
            long at = read();
            release(me);
            return at;
        }

        /** Every operation has ended: nobody may hold the role or be reading. */
        @Validate
        public void roleIsFreeOnceEveryOperationEnded() {
            if (!role.isFree()) {
                fail("the role is still held after every operation ended: " + role);
            }
            if (reading.get() != null) {
                fail("still reading after every operation ended: " + reading.get());
            }
        }

        private void awaitRole(ReaderRole.Holder me) {
            if (!role.tryAcquire(me)) {
                // Waiting on a monitor rather than spinning: the model checker then runs the other
                // threads until a release notifies, instead of replaying each spin as a cycle. The
                // first attempt above races freely; only repeated attempts are serialised here, and
                // every way the role becomes FREE (release) notifies after it.
                synchronized (roleFreed) {
                    while (!role.tryAcquire(me)) {
                        waitForRelease();
                    }
                }
            }
            startReading();
        }

        private void waitForRelease() {
            try {
                roleFreed.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the reader role", e);
            }
        }

        private long read() {
            long at = position;
            position = at + 1;
            return at;
        }

        private void release(ReaderRole.Holder me) {
            stopReading();
            role.release(me); // throws if this thread does not hold the role: Lincheck reports it
            synchronized (roleFreed) {
                roleFreed.notifyAll();
            }
            checkLeftRole(me);
        }

        // The checks below build their messages only on failure: every extra read of shared state
        // would be one more place for the model checker to switch threads, for nothing.

        private void startReading() {
            if (!reading.compareAndSet(null, Thread.currentThread())) {
                fail(Thread.currentThread().getName() + " started reading while " + reading.get() + " was reading (role " + role + ")");
            }
        }

        private void stopReading() {
            if (!reading.compareAndSet(Thread.currentThread(), null)) {
                fail(Thread.currentThread().getName() + " stopped reading but " + reading.get() + " was the reader");
            }
        }

        /** An operation ends holding nothing: the role is free or some other, still running, operation's. */
        private void checkLeftRole(ReaderRole.Holder me) {
            if (role.isHeldBy(me) || role.stalledSince(anyCallback()) == Thread.currentThread()) {
                fail(Thread.currentThread().getName() + " ends its operation still holding the role: " + role);
            }
        }
    }

    /** The sequential specification of {@link Holders}: each pass reads once, in some total order. */
    public static class Counter {
        private long position;

        public long acquireReadRelease() {
            return position++;
        }

        public long acquireCallbackRelease() {
            return position++;
        }

        public long rescueOrRead() {
            return position++;
        }
    }

    /**
     * One transition per operation, made by the Lincheck thread given as {@code tid} (0 runs the
     * initial part, the last one the post part). Wrong-state calls are part of the test: the spec
     * says which of them throw and which return false.
     */
    @Param(name = "tid", gen = ThreadIdGen.class)
    public static class Transitions {
        /** Holders by Lincheck thread id; the threads are only names for the role's messages, never started. */
        private static final ReaderRole.Holder[] HOLDERS = new ReaderRole.Holder[8];

        static {
            for (int i = 0; i < HOLDERS.length; i++) {
                HOLDERS[i] = new ReaderRole.Holder(new Thread("offload-test-holder-" + i));
            }
        }

        private final ReaderRole role = new ReaderRole();

        @Operation
        public boolean tryAcquire(@Param(name = "tid") int tid) {
            return role.tryAcquire(HOLDERS[tid]);
        }

        @Operation(handleExceptionsAsResult = IllegalStateException.class)
        public void release(@Param(name = "tid") int tid) {
            role.release(HOLDERS[tid]);
        }

        @Operation(handleExceptionsAsResult = IllegalStateException.class)
        public void enterCallback(@Param(name = "tid") int tid) {
            role.enterCallback(HOLDERS[tid]);
        }

        @Operation
        public boolean exitCallback(@Param(name = "tid") int tid) {
            return role.exitCallback(HOLDERS[tid]);
        }

        @Operation
        public boolean steal(@Param(name = "tid") int tid) {
            return role.steal(HOLDERS[tid], anyCallback());
        }
    }

    /** ReaderRole's javadoc table, row by row; anything the table has no row for fails. */
    public static class TransitionTable {
        private static final int FREE = -1;
        private int holder = FREE;
        private boolean inCallback;

        /** FREE → READING(T). */
        public boolean tryAcquire(int tid) {
            if (holder != FREE) {
                return false;
            }
            holder = tid;
            inCallback = false;
            return true;
        }

        /** READING(T) → FREE; from any other state it throws. */
        public void release(int tid) {
            if (holder != tid || inCallback) {
                throw new IllegalStateException("not READING(" + tid + ")");
            }
            holder = FREE;
        }

        /** READING(T) → CALLBACK(T); from any other state it throws. */
        public void enterCallback(int tid) {
            if (holder != tid || inCallback) {
                throw new IllegalStateException("not READING(" + tid + ")");
            }
            inCallback = true;
        }

        /** CALLBACK(T) → READING(T): true; after a steal (or never in a callback): false. */
        public boolean exitCallback(int tid) {
            if (holder != tid || !inCallback) {
                return false;
            }
            inCallback = false;
            return true;
        }

        /** CALLBACK(T) → READING(S). */
        public boolean steal(int tid) {
            if (holder == FREE || !inCallback) {
                return false;
            }
            holder = tid;
            inCallback = false;
            return true;
        }
    }

    static void fail(String message) {
        throw new AssertionError(message);
    }
}
