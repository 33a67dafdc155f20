package dev.offload.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The jobs sent to one worker and not yet answered, in the order they were sent, which is the order
 * the worker runs and answers them: the oldest is the one running.
 *
 * <p>A single-producer, single-consumer ring. The producer is whoever holds the worker link's
 * dispatch lock (the lock serialises producers, and it is also what keeps this order equal to the
 * channel's); the consumer is whoever holds the pool's reader role. {@link #snapshot} may be called
 * from any thread (the supervisor) and is weakly consistent.
 *
 * <p>Memory: the producer writes a slot, then the tail (a volatile store); the consumer clears a
 * slot, then writes the head (volatile); each reads the other's index before touching a slot. The
 * two indexes live in one array, two cache lines apart: the producer and the consumer run on
 * different cores, and each index written on one core would otherwise take the other's line with
 * it. The producer keeps the last head it read and reads the real one only when that one says the
 * ring is full (the head only grows, so the copy can only overstate how many are in flight).
 */
final class InFlight {
    private static final VarHandle INDEX = MethodHandles.arrayElementVarHandle(long[].class);
    /** Slot of the head in {@link #indexes}, past the array's header and a cache line of padding. */
    private static final int HEAD = 8;
    /** Slot of the tail: two cache lines after the head (the adjacent-line prefetcher pairs lines). */
    private static final int TAIL = 24;
    private final Job[] jobs;
    private final int mask;
    /**
     * Producer-owned (under the link's dispatch lock): the head as last read, on the tail's line,
     * which only the producer writes (in this object it would share a line with {@link #jobs},
     * which the consumer reads for every answer).
     */
    private static final int HEAD_SEEN = TAIL + 1;
    private final long[] indexes = new long[TAIL + 8];

    /** @param capacity a power of two: the most jobs a worker can have at once */
    InFlight(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two (got " + capacity + ")");
        }
        this.jobs = new Job[capacity];
        this.mask = capacity - 1;
    }

    int capacity() {
        return jobs.length;
    }

    private long head() {
        return (long) INDEX.getVolatile(indexes, HEAD);
    }

    private long tail() {
        return (long) INDEX.getVolatile(indexes, TAIL);
    }

    int size() {
        return (int) (tail() - head());
    }

    boolean isEmpty() {
        return tail() == head();
    }

    /**
     * Producer: true when fewer than {@code limit} jobs are in flight. Reads the consumer's index
     * only when the head last seen says there are not.
     */
    boolean hasRoom(int limit) {
        long t = tail();
        if (t - indexes[HEAD_SEEN] < limit) {
            return true;
        }
        long h = head();
        indexes[HEAD_SEEN] = h;
        return t - h < limit;
    }

    /**
     * Producer: how many are in flight by the head last seen: at least the real count, never less
     * (a caller that needs it exact reads {@link #size}).
     */
    int sizeSeen() {
        return (int) (tail() - indexes[HEAD_SEEN]);
    }

    /** Producer: appends; false when full. */
    boolean add(Job job) {
        if (!hasRoom(jobs.length)) {
            return false;
        }
        long t = tail();
        jobs[(int) t & mask] = job;
        INDEX.setVolatile(indexes, TAIL, t + 1);
        return true;
    }

    /**
     * Producer: takes back {@code job}, the last one added, whose frame could not be sent. Safe
     * against the consumer: nothing answers a job that was never sent, so it is never consumed.
     */
    void retractLast(Job job) {
        long t = tail() - 1;
        int i = (int) t & mask;
        if (t < head() || jobs[i] != job) {
            throw new IllegalStateException("job " + job.id + " is not the last one in flight");
        }
        jobs[i] = null;
        INDEX.setVolatile(indexes, TAIL, t);
    }

    /**
     * Producer and consumer at once (the role holder with the dispatch lock): removes the newest
     * {@code n} jobs and returns them, oldest first.
     */
    Job[] retractNewest(int n) {
        long t = tail();
        if (n > t - head()) {
            throw new IllegalArgumentException(n + " jobs to retract, " + (t - head()) + " in flight");
        }
        Job[] taken = new Job[n];
        for (int k = 0; k < n; k++) {
            int i = (int) (t - n + k) & mask;
            taken[k] = jobs[i];
            jobs[i] = null;
        }
        INDEX.setVolatile(indexes, TAIL, t - n);
        return taken;
    }

    /** Under the dispatch lock: how many of the newest jobs came in a frame after the {@code frame}-th. */
    int countSentAfter(long frame) {
        int n = 0;
        for (long i = tail() - 1, h = head(); i >= h && jobs[(int) i & mask].frameOnLink > frame; i--) {
            n++;
        }
        return n;
    }

    /** Consumer: the oldest job, or null. */
    Job peek() {
        long h = head();
        return h == tail() ? null : jobs[(int) h & mask];
    }

    /** Any thread: the oldest job as it looked a moment ago (the one running), or null. */
    Job peekAny() {
        return peek();
    }

    /** Consumer: removes and returns the oldest job, or null. */
    Job poll() {
        long h = head();
        if (h == tail()) {
            return null;
        }
        int i = (int) h & mask;
        Job job = jobs[i];
        jobs[i] = null;
        INDEX.setVolatile(indexes, HEAD, h + 1);
        return job;
    }

    /** Consumer: the job with this id among those in flight (a progress frame's), or null. */
    Job find(long jobId) {
        for (long i = head(), t = tail(); i < t; i++) {
            Job job = jobs[(int) i & mask];
            if (job != null && job.id == jobId) {
                return job;
            }
        }
        return null;
    }

    /**
     * Any thread: the jobs in flight, oldest first, as they looked a moment ago (a slot being
     * reused may show up as null or as a newer job; callers check what they act on).
     */
    Job[] snapshot() {
        long h = head();
        long t = tail();
        int n = (int) Math.max(0, Math.min(t - h, jobs.length));
        Job[] copy = new Job[n];
        for (int i = 0; i < n; i++) {
            copy[i] = jobs[(int) (h + i) & mask];
        }
        return copy;
    }
}
