package dev.offload.service.async;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The asynchronous jobs this service holds, by id, with what is done with them next: the jobs
 * waiting for a place in the pool (in the order they were accepted), the finished ones (in the order
 * they expire) and the Idempotency-Keys. Owned by the {@code offload-async-jobs} thread; other
 * threads read only {@link #view}, a concurrent map of immutable {@link JobView}s, each replaced
 * whole on every change.
 */
final class JobTable {

    /** One job; its fields are the owner thread's. */
    static final class Entry {
        final String id;
        final String handler;
        final long acceptedAt;
        final String key;
        final byte[] fingerprint;
        /** Dropped once the job finished: nothing runs it again. */
        byte[] input;
        int attempts;
        JobState state = JobState.QUEUED;
        long finishedAt;
        byte[] result;
        byte[] error;
        /** The pool's future while {@link JobState#RUNNING}; a completion of any other future is stale. */
        CompletableFuture<byte[]> run;

        Entry(String id, String handler, long acceptedAt, String key, byte[] fingerprint, byte[] input) {
            this.id = id;
            this.handler = handler;
            this.acceptedAt = acceptedAt;
            this.key = key;
            this.fingerprint = fingerprint;
            this.input = input;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> keys = new HashMap<>();
    private final ArrayDeque<Entry> queued = new ArrayDeque<>();
    private final ArrayDeque<Entry> finished = new ArrayDeque<>();
    private final ConcurrentHashMap<String, JobView> views = new ConcurrentHashMap<>();
    private int running;

    /** Any thread, never blocks: the job as last published, or null. */
    JobView view(String id) {
        return views.get(id);
    }

    Entry get(String id) {
        return entries.get(id);
    }

    Entry byKey(String key) {
        String id = keys.get(key);
        return id == null ? null : entries.get(id);
    }

    int size() {
        return entries.size();
    }

    /** Queued or running: what counts against {@code queue.capacity}. */
    int unfinished() {
        return queued.size() + running;
    }

    int running() {
        return running;
    }

    /** A new job, queued after every other. */
    Entry accept(String id, String handler, long now, String key, byte[] fingerprint, byte[] input) {
        Entry e = add(new Entry(id, handler, now, key, fingerprint, input));
        queued.addLast(e);
        return publish(e);
    }

    /** Replays a record of the journal; nothing is queued or published until {@link #recovered}. */
    void replay(JournalRecord r) {
        Entry e = entries.get(r.id());
        switch (r.type()) {
            case ACCEPTED -> add(new Entry(r.id(), r.handler(), r.time(), r.key(), r.fingerprint(), r.data()));
            case STARTED -> {
                if (e != null) {
                    e.attempts = r.attempt();
                }
            }
            case DONE, FAILED, CANCELLED -> {
                if (e != null) {
                    e.state = JobState.valueOf(r.type().name());
                    e.finishedAt = r.time();
                    e.input = null;
                    e.result = r.type() == JournalRecord.Type.DONE ? r.data() : null;
                    e.error = r.type() == JournalRecord.Type.FAILED ? r.data() : null;
                }
            }
            case SNAPSHOT_END -> { }
        }
    }

    /**
     * After the replay: drops the finished jobs older than {@code ttl}, publishes the others and
     * returns the unfinished ones in the order they were accepted, for the caller to queue again
     * ({@link #requeue}) or fail.
     */
    List<Entry> recovered(long now, Duration ttl) {
        List<Entry> unfinished = new ArrayList<>();
        List<Entry> done = new ArrayList<>();
        for (Entry e : List.copyOf(entries.values())) {
            if (!e.state.finished()) {
                unfinished.add(e);
            } else if (e.finishedAt + ttl.toMillis() <= now) {
                remove(e);
            } else {
                done.add(e);
            }
        }
        done.sort(Comparator.comparingLong(e -> e.finishedAt));
        finished.addAll(done);
        entries.values().forEach(this::publish);
        return unfinished;
    }

    /** The next job to hand to the pool, or null. */
    Entry nextQueued() {
        return queued.pollFirst();
    }

    /** Back at the head of the queue: the pool had no room ({@link #nextQueued} took it). */
    void putBack(Entry e) {
        queued.addFirst(e);
    }

    /** Back at the tail: replayed, or interrupted. */
    void requeue(Entry e) {
        e.state = JobState.QUEUED;
        queued.addLast(e);
        publish(e);
    }

    void started(Entry e, CompletableFuture<byte[]> run) {
        e.state = JobState.RUNNING;
        e.attempts++;
        e.run = run;
        running++;
        publish(e);
    }

    /** A job the pool refused after all: back at the head of the queue, its attempt given back. */
    void unstart(Entry e) {
        e.run = null;
        e.attempts--;
        running--;
        e.state = JobState.QUEUED;
        queued.addFirst(e);
        publish(e);
    }

    void finish(Entry e, JobState state, long now, byte[] result, byte[] error) {
        if (e.state == JobState.QUEUED) {
            queued.remove(e);
        } else if (e.run != null) {
            running--;
        }
        e.state = state;
        e.run = null;
        e.finishedAt = now;
        e.input = null;
        e.result = result;
        e.error = error;
        finished.addLast(e);
        publish(e);
    }

    /** Forgets the finished jobs older than {@code ttl}; returns when the next one expires, or Long.MAX_VALUE. */
    long expire(long now, Duration ttl) {
        while (!finished.isEmpty() && finished.peekFirst().finishedAt + ttl.toMillis() <= now) {
            remove(finished.pollFirst());
        }
        return finished.isEmpty() ? Long.MAX_VALUE : finished.peekFirst().finishedAt + ttl.toMillis();
    }

    /** Running jobs that this process will not see finish. */
    List<Entry> runningEntries() {
        return entries.values().stream().filter(e -> e.state == JobState.RUNNING).toList();
    }

    /** The failed jobs still kept, the latest first. */
    List<JobView> failed() {
        List<JobView> failed = new ArrayList<>();
        finished.descendingIterator().forEachRemaining(e -> {
            if (e.state == JobState.FAILED) {
                failed.add(views.get(e.id));
            }
        });
        return failed;
    }

    /** Every job as records that {@link #replay} turns back into this table: the start of a new journal generation. */
    List<JournalRecord> snapshot() {
        List<JournalRecord> records = new ArrayList<>(entries.size() * 2);
        for (Entry e : entries.values()) {
            byte[] input = e.input == null ? new byte[0] : e.input;
            records.add(JournalRecord.accepted(e.id, e.handler, e.acceptedAt, e.key, e.fingerprint, input));
            if (e.attempts > 0) {
                records.add(JournalRecord.started(e.id, e.attempts));
            }
            switch (e.state) {
                case DONE -> records.add(JournalRecord.done(e.id, e.finishedAt, e.result));
                case FAILED -> records.add(JournalRecord.failed(e.id, e.finishedAt, e.error));
                case CANCELLED -> records.add(JournalRecord.cancelled(e.id, e.finishedAt));
                case QUEUED, RUNNING -> { }
            }
        }
        return records;
    }

    private Entry add(Entry e) {
        entries.put(e.id, e);
        if (e.key != null) {
            keys.put(e.key, e.id);
        }
        return e;
    }

    private void remove(Entry e) {
        entries.remove(e.id);
        views.remove(e.id);
        if (e.key != null) {
            keys.remove(e.key, e.id);
        }
    }

    private Entry publish(Entry e) {
        views.put(e.id, new JobView(e.id, e.handler, e.state, e.attempts, e.acceptedAt, e.finishedAt, e.result, e.error));
        return e;
    }
}
