package dev.offload.pool;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Who reads the workers' answers right now: the one hand-off state of the pool's data path. The
 * role is held by at most one thread at a time: the pool's reader thread, or a caller waiting in
 * {@code get()}/{@code join()} that reads its own answer instead of being woken for it
 * (leader/followers). Whoever holds the role may poll every channel and complete jobs.
 *
 * <p>States and transitions (the value of {@link #state}; {@code T} and {@code S} are threads):
 * <pre>
 *   from            to              method            by
 *   FREE            READING(T)      tryAcquire(T)     T: the reader thread woken by a doorbell, or a waiting caller
 *   READING(T)      FREE            release(T)        T, after it armed every wake-up and found nothing (see PoolReader)
 *   READING(T)      CALLBACK(T)     enterCallback(T)  T, before it runs user code (a direct completion, an executor, a listener)
 *   CALLBACK(T)     READING(T)      exitCallback(T)   T, when the user code returns: true
 *   CALLBACK(T)     READING(S)      steal(S, T)       S, a fresh reader thread, when T's user code has run too long
 *   READING(S)      ...             exitCallback(T)   T, after a steal: false, and T must not touch any channel again
 * </pre>
 * Only a thread in READING may touch a channel's reading side; user code runs only in CALLBACK,
 * which is what makes a steal safe: the stolen thread is inside user code, not inside a channel.
 *
 * <p>Memory: every transition is a CAS on {@link #state}, so the next holder sees everything the
 * previous one wrote (tailer positions, look-aheads, in-flight rings) before it took the role.
 *
 * <p>Thread-safe; allocation-free after each thread's first use ({@link Holder}s are cached).
 */
final class ReaderRole {
    /** One thread's two ways of holding the role; identity is the state. */
    static final class Holder {
        final Thread thread;
        final Holder callback;
        /** nanoTime the holder entered its current callback; written before the CAS to {@link #callback}. */
        volatile long callbackSince;

        Holder(Thread thread) {
            this.thread = thread;
            this.callback = new Holder(thread, this);
        }

        private Holder(Thread thread, Holder reading) {
            this.thread = thread;
            this.callback = null;
        }

        boolean inCallback() {
            return callback == null;
        }
    }

    private static final ThreadLocal<Holder> HOLDERS = ThreadLocal.withInitial(() -> new Holder(Thread.currentThread()));

    /** Null: FREE. A reading holder: READING(T). A holder's {@code callback}: CALLBACK(T). */
    private final AtomicReference<Holder> state = new AtomicReference<>();

    /** The calling thread's holder. */
    static Holder mine() {
        return HOLDERS.get();
    }

    boolean tryAcquire(Holder me) {
        return state.get() == null && state.compareAndSet(null, me);
    }

    void release(Holder me) {
        if (!state.compareAndSet(me, null)) {
            throw new IllegalStateException(me.thread.getName() + " released a reader role it does not hold (" + state.get() + ")");
        }
    }

    void enterCallback(Holder me) {
        enterCallback(me, System.nanoTime());
    }

    /** As {@link #enterCallback(Holder)}, for a holder that read the clock a moment ago ({@code now}, a nanoTime). */
    void enterCallback(Holder me, long now) {
        me.callback.callbackSince = now;
        if (!state.compareAndSet(me, me.callback)) {
            throw new IllegalStateException(me.thread.getName() + " entered a callback without holding the reader role");
        }
    }

    /** True when {@code me} still holds the role; false when it was stolen during the callback. */
    boolean exitCallback(Holder me) {
        return state.compareAndSet(me.callback, me);
    }

    /**
     * Takes the role from a holder that has been inside user code since before {@code stalledBefore}
     * (a nanoTime). True: {@code thief} now reads.
     */
    boolean steal(Holder thief, long stalledBefore) {
        Holder now = state.get();
        return now != null && now.inCallback() && now.callbackSince - stalledBefore < 0 && state.compareAndSet(now, thief);
    }

    boolean isFree() {
        return state.get() == null;
    }

    boolean isHeldBy(Holder me) {
        return state.get() == me;
    }

    /** The thread in a callback since before {@code stalledBefore}, or null. */
    Thread stalledSince(long stalledBefore) {
        Holder now = state.get();
        return now != null && now.inCallback() && now.callbackSince - stalledBefore < 0 ? now.thread : null;
    }

    @Override
    public String toString() {
        Holder now = state.get();
        return now == null ? "FREE" : (now.inCallback() ? "CALLBACK(" : "READING(") + now.thread.getName() + ")";
    }
}
