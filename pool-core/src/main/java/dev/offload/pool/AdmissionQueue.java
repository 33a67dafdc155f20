package dev.offload.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jobs waiting for a worker: bounded, highest priority first, FIFO within a priority. Lock-free
 * ({@link #offer} never parks), so {@code submit()} cannot block. Nothing waits on it: the reader
 * role takes jobs from it whenever a worker's answer frees credit.
 */
final class AdmissionQueue {
    private static final Comparator<Job> ORDER =
            Comparator.comparingInt((Job j) -> -j.priority).thenComparingLong(j -> j.seq);

    private final int capacity;
    private final ConcurrentSkipListSet<Job> jobs = new ConcurrentSkipListSet<>(ORDER);
    private final AtomicInteger size = new AtomicInteger();

    AdmissionQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Adds a new job; false when the queue is full. */
    boolean offer(Job job) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        jobs.add(job);
        return true;
    }

    /** Puts back a job whose worker died; it keeps its place (priority, then submit order). */
    void requeue(Job job) {
        size.incrementAndGet(); // over capacity is allowed here: the job was already admitted
        jobs.add(job);
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
