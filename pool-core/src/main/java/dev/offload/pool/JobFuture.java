package dev.offload.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The future a caller gets from {@code submit}. {@code cancel} tells the pool: a waiting job leaves
 * the queue, a running one is stopped on its worker.
 *
 * <p>A thread blocked in {@link #join}, {@link #get()} or {@link #get(long, TimeUnit)} is served
 * first. While it waits it takes the pool's reader role if nobody holds it, and reads the answers
 * itself, its own among them ({@link PoolReader#lead}): no thread is woken for a sequential round
 * trip. Otherwise, when the pool has the outcome and nothing depends on this future yet, the
 * outcome is handed to that thread, which completes the future itself: no callback thread is woken
 * in between, whatever {@code jobs.completion} says; a callback registered at that very moment runs
 * on the waiting thread, never on a pool thread.
 */
final class JobFuture<T> extends CompletableFuture<T> {
    private static final VarHandle WAITER;
    /** The value of {@link #waiter} once an outcome was handed to the waiting thread. */
    private static final Object HANDED = new Object();
    /** The longest a waiter parks before it looks again (a safety net: completions unpark it). */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    static {
        try {
            WAITER = MethodHandles.lookup().findVarHandle(JobFuture.class, "waiter", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Consumer<JobFuture<T>> onCancel;
    /**
     * The pool's job behind this future, while it runs: dropped on completion, so that a future the
     * caller keeps does not keep the job's input alive. Null in tests of the future alone.
     */
    volatile Job job;
    /** The pool's reader, which a waiting thread may lead; null in tests of the future alone. */
    volatile PoolReader reader;
    /** Null, the one thread waiting through {@link #await}, or {@link #HANDED}. */
    private volatile Object waiter;
    /** The handed outcome; written before the CAS to HANDED, read after it. */
    private T handedValue;
    private Throwable handedFailure;

    void onCancel(Consumer<JobFuture<T>> onCancel) {
        this.onCancel = onCancel;
    }

    /**
     * From the pool: settles the future with the job's outcome ({@code failure} null: success).
     * A thread waiting in {@code get}/{@code join} gets it directly when nothing depends on this
     * future; otherwise {@code callbacks} completes it (dependents then run there).
     */
    void settle(T value, Throwable failure, Executor callbacks) {
        if (waiter instanceof Thread thread && getNumberOfDependents() == 0) {
            handedValue = value;
            handedFailure = failure;
            if (WAITER.compareAndSet(this, thread, HANDED)) {
                LockSupport.unpark(thread);
                return;
            }
        }
        callbacks.execute(() -> completeWith(value, failure));
    }

    /** For the thread waiting in {@link #await}: its outcome is in (completed, or handed to it). */
    private boolean answered() {
        return isDone() || waiter == HANDED;
    }

    /** True while a thread waits in get/join to be handed the outcome (for tests). */
    boolean hasWaiter() {
        return waiter instanceof Thread;
    }

    private void completeWith(T value, Throwable failure) {
        if (failure == null) {
            complete(value);
        } else {
            completeExceptionally(failure);
        }
    }

    @Override
    public T join() {
        await(false, 0);
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        await(true, 0);
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        await(true, deadline == 0 ? 1 : deadline);
        return super.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /**
     * Waits until the future is done, an outcome is handed over, the deadline passes (0: none), or
     * (if {@code interruptible}) the thread is interrupted; the interrupt status is kept for the
     * CompletableFuture method that follows. If another thread already waits here, returns at once:
     * that method then waits the ordinary way.
     */
    private void await(boolean interruptible, long deadline) {
        Thread me = Thread.currentThread();
        if (isDone() || !WAITER.compareAndSet(this, null, me)) {
            return;
        }
        boolean interrupted = false;
        // Lead once: read for as long as the spin budget says answers come that soon. After that (or
        // when another thread reads) the reader thread reads, and hands us the outcome.
        PoolReader lead = job == null ? null : reader;
        try {
            if (lead != null) {
                lead.lead(this::answered, deadline);
            }
            while (waiter == me && !isDone()) {
                long park = MAX_PARK_NANOS;
                if (deadline != 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    park = Math.min(park, left);
                }
                LockSupport.parkNanos(this, park);
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (interruptible) {
                        break;
                    }
                }
            }
        } finally {
            if (!WAITER.compareAndSet(this, me, null)) {
                completeWith(handedValue, handedFailure); // handed over: ours to complete
            }
            if (interrupted) {
                me.interrupt();
            }
        }
    }

    @Override
    public boolean complete(T value) {
        boolean done = super.complete(value);
        completed();
        return done;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean done = super.completeExceptionally(failure);
        completed();
        return done;
    }

    @Override
    public void obtrudeValue(T value) {
        super.obtrudeValue(value);
        completed();
    }

    @Override
    public void obtrudeException(Throwable failure) {
        super.obtrudeException(failure);
        completed();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        completed();
        Consumer<JobFuture<T>> hook = onCancel;
        if (cancelled && hook != null) {
            hook.accept(this);
        }
        return cancelled;
    }

    /** After any completion: forget the job, wake a thread waiting in {@link #await}. */
    private void completed() {
        job = null;
        if (waiter instanceof Thread thread) {
            LockSupport.unpark(thread);
        }
    }

    /** Dependent stages are plain futures: cancelling one of those must not reach the pool. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
