package dev.offload.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Jobs waiting for a worker: bounded, highest priority first, FIFO within a priority. Lock-free on
 * the caller's side ({@link #offer} never parks), so {@code submit()} cannot block; slot threads
 * park in {@link #take} and are woken one at a time, most recently idle first (hot workers stay
 * hot, cold ones reach their idle timeout).
 */
final class AdmissionQueue {
    private static final Comparator<Job> ORDER =
            Comparator.comparingInt((Job j) -> -j.priority).thenComparingLong(j -> j.seq);

    private final int capacity;
    private final ConcurrentSkipListSet<Job> jobs = new ConcurrentSkipListSet<>(ORDER);
    private final AtomicInteger size = new AtomicInteger();
    private final ConcurrentLinkedDeque<Thread> idle = new ConcurrentLinkedDeque<>();

    AdmissionQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Adds a new job; false when the queue is full. Wakes an idle slot if there is one. */
    boolean offer(Job job) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        jobs.add(job);
        wakeOne();
        return true;
    }

    /** Puts back a job whose worker died; it keeps its place (priority, then submit order). */
    void requeue(Job job) {
        size.incrementAndGet(); // over capacity is allowed here: the job was already admitted
        jobs.add(job);
        wakeOne();
    }

    /** True when an idle slot was there to take a job now. */
    boolean hasIdleSlot() {
        return !idle.isEmpty();
    }

    Job poll() {
        Job job = jobs.pollFirst();
        if (job != null) {
            size.decrementAndGet();
        }
        return job;
    }

    boolean remove(Job job) {
        if (jobs.remove(job)) {
            size.decrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * Waits up to {@code maxWaitNanos} for a job; null on time-out, when woken with nothing to
     * take, or at once when {@code stop} holds (checked after registering as idle, so a
     * {@link #wakeAll} that follows a state change cannot be missed).
     */
    Job take(long maxWaitNanos, BooleanSupplier stop) {
        Job job = poll();
        if (job != null) {
            return job;
        }
        Thread me = Thread.currentThread();
        idle.addFirst(me);
        try {
            // Registered first, checked second: an offer after our check will find us and unpark.
            job = poll();
            if (job == null && !stop.getAsBoolean()) {
                LockSupport.parkNanos(this, maxWaitNanos);
                job = poll();
            }
            return job;
        } finally {
            idle.remove(me);
        }
    }

    void wakeOne() {
        Thread t = idle.pollFirst();
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    void wakeAll() {
        for (Thread t : idle) {
            LockSupport.unpark(t);
        }
    }

    int size() {
        return Math.max(0, size.get());
    }

    /** Every waiting job, weakly consistent: for the supervisor's deadline scan. */
    Iterable<Job> waiting() {
        return jobs;
    }

    /** Removes and returns every waiting job (pool closing, crash loop). */
    List<Job> drain() {
        List<Job> drained = new ArrayList<>();
        Job job;
        while ((job = poll()) != null) {
            drained.add(job);
        }
        return drained;
    }
}
