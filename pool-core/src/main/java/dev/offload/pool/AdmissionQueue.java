package dev.offload.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jobs waiting for a worker: bounded, highest priority first, FIFO within a priority. Lock-free
 * ({@link #offer} never parks), so {@code submit()} cannot block. Nothing waits on it: the reader
 * role takes jobs from it whenever a worker's answer frees credit.
 *
 * <p>One FIFO per priority in use: most pools use one priority, so an offer or a poll costs a
 * queue node, not a sorted insert. A job put back after its worker died goes to a side lane of
 * its priority that is served first, so it keeps its place ahead of later jobs.
 */
final class AdmissionQueue {
    private final int capacity;
    /** Priority → its lanes; highest priority first. Lanes are created on first use and kept. */
    private final ConcurrentSkipListMap<Integer, Lanes> byPriority = new ConcurrentSkipListMap<>(Comparator.reverseOrder());
    private final AtomicInteger size = new AtomicInteger();

    private static final class Lanes {
        final ConcurrentLinkedQueue<Job> returned = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Job> fresh = new ConcurrentLinkedQueue<>();

        Job poll() {
            Job job = returned.poll();
            return job != null ? job : fresh.poll();
        }
    }

    AdmissionQueue(int capacity) {
        this.capacity = capacity;
    }

    private Lanes lanes(int priority) {
        Lanes lanes = byPriority.get(priority);
        return lanes != null ? lanes : byPriority.computeIfAbsent(priority, p -> new Lanes());
    }

    /** Adds a new job; false when the queue is full. */
    boolean offer(Job job) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        lanes(job.priority).fresh.add(job);
        return true;
    }

    /**
     * Puts back a job whose worker died before answering; it goes ahead of the jobs of its
     * priority that never left the queue (returned ones among themselves in return order).
     */
    void requeue(Job job) {
        size.incrementAndGet(); // over capacity is allowed here: the job was already admitted
        lanes(job.priority).returned.add(job);
    }

    /**
     * Role holder, to send the job: the next one, still counted in {@link #size} until
     * {@link #taken} or {@link #putBack}. {@code submit()} sends its job straight to a worker only
     * when the queue is empty; while a job is on its way from here to a worker, the queue is not.
     * Otherwise a job submitted then could reach the worker first and overtake it.
     */
    Job take() {
        if (size.get() <= 0) {
            return null;
        }
        for (Lanes lanes : byPriority.values()) {
            Job job = lanes.poll();
            if (job != null) {
                return job;
            }
        }
        return null;
    }

    /** Role holder: the job {@link #take} gave is on a worker now, or was dropped (done while it waited). */
    void taken() {
        size.decrementAndGet();
    }

    /** Role holder: the job {@link #take} gave could not be sent; it goes back ahead of its priority's fresh jobs. */
    void putBack(Job job) {
        lanes(job.priority).returned.add(job); // still counted: no increment
    }

    /** Takes the next job out for good (the pool closing): {@link #take} and {@link #taken} in one. */
    Job poll() {
        Job job = take();
        if (job != null) {
            taken();
        }
        return job;
    }

    /** Removes a waiting job (cancelled, timed out); linear in its priority's queue, which is rare. */
    boolean remove(Job job) {
        Lanes lanes = byPriority.get(job.priority);
        if (lanes != null && (lanes.fresh.remove(job) || lanes.returned.remove(job))) {
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
        List<Job> all = new ArrayList<>();
        for (Map.Entry<Integer, Lanes> e : byPriority.entrySet()) {
            all.addAll(e.getValue().returned);
            all.addAll(e.getValue().fresh);
        }
        return all;
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
