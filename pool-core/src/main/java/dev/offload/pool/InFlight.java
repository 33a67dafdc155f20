package dev.offload.pool;

/**
 * The jobs sent to one worker and not yet answered, in the order they were sent, which is the order
 * the worker runs and answers them: the oldest is the one running.
 *
 * <p>A single-producer, single-consumer ring. The producer is whoever holds the worker link's
 * dispatch lock (the lock serialises producers, and it is also what keeps this order equal to the
 * channel's); the consumer is whoever holds the pool's reader role. {@link #snapshot} may be called
 * from any thread (the supervisor) and is weakly consistent.
 *
 * <p>Memory: the producer writes a slot, then the volatile {@link #tail}; the consumer clears a
 * slot, then writes the volatile {@link #head}; each reads the other's index before touching a slot.
 */
final class InFlight {
    private final Job[] jobs;
    private final int mask;
    private volatile long head;
    private volatile long tail;

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

    int size() {
        return (int) (tail - head);
    }

    boolean isEmpty() {
        return tail == head;
    }

    /** Producer: appends; false when full. */
    boolean add(Job job) {
        long t = tail;
        if (t - head >= jobs.length) {
            return false;
        }
        jobs[(int) t & mask] = job;
        tail = t + 1;
        return true;
    }

    /**
     * Producer: takes back {@code job}, the last one added, whose frame could not be sent. Safe
     * against the consumer: nothing answers a job that was never sent, so it is never consumed.
     */
    void retractLast(Job job) {
        long t = tail - 1;
        int i = (int) t & mask;
        if (t < head || jobs[i] != job) {
            throw new IllegalStateException("job " + job.id + " is not the last one in flight");
        }
        jobs[i] = null;
        tail = t;
    }

    /** Consumer: the oldest job, or null. */
    Job peek() {
        long h = head;
        return h == tail ? null : jobs[(int) h & mask];
    }

    /** Any thread: the oldest job as it looked a moment ago (the one running), or null. */
    Job peekAny() {
        return peek();
    }

    /** Consumer: removes and returns the oldest job, or null. */
    Job poll() {
        long h = head;
        if (h == tail) {
            return null;
        }
        int i = (int) h & mask;
        Job job = jobs[i];
        jobs[i] = null;
        head = h + 1;
        return job;
    }

    /** Consumer: the job with this id among those in flight (a progress frame's), or null. */
    Job find(long jobId) {
        for (long i = head, t = tail; i < t; i++) {
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
        long h = head;
        long t = tail;
        int n = (int) Math.max(0, Math.min(t - h, jobs.length));
        Job[] copy = new Job[n];
        for (int i = 0; i < n; i++) {
            copy[i] = jobs[(int) (h + i) & mask];
        }
        return copy;
    }
}
