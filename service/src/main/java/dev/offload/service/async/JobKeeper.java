package dev.offload.service.async;

import dev.offload.pool.OffloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The thread {@code offload-async-jobs}: the one owner of the {@link JobTable} and the {@link Journal}.
 * Event loops and the pool hand it {@link Command}s through a lock-free queue and an unpark, never
 * waiting. It applies a batch of them in order, journaling each change, forces the batch to disk
 * when the flush policy says so, and only then answers, on the loop that asked. Between batches it
 * feeds the pool ({@link PoolFeeder}), forgets results older than {@code journal.resultTtl}, and
 * compacts the journal.
 */
final class JobKeeper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(JobKeeper.class);
    private static final int BATCH = 4_096;
    /** The longest the thread sleeps: it asks the pool how many hosts there are about this often. */
    private static final long TICK_MS = 1_000;
    /** A new journal generation once this many records (or four per job, if more) were appended since the last. */
    private static final long COMPACT_AFTER = 100_000;

    private final AsyncSettings settings;
    private final Journal journal;
    private final AsyncJobs.FailureEncoder failures;
    private final JobTable table;
    private final PoolFeeder feeder;
    private final JobIds ids = new JobIds();
    private final Queue<Command> commands = new ConcurrentLinkedQueue<>();
    /** The batch being applied: its answers are sent once it is journaled (and flushed). */
    private final List<Runnable> replies = new ArrayList<>();
    private final List<Pending> accepted = new ArrayList<>();
    private volatile Thread thread;
    /** After a failed compaction: how many appended records the next try waits for. */
    private long retryCompactionAt;

    private record Pending(JobTable.Entry entry, Command.Accept command) {
    }

    JobKeeper(AsyncSettings settings, Journal journal, JobTable table, AsyncJobs.FailureEncoder failures) {
        this.settings = settings;
        this.journal = journal;
        this.table = table;
        this.failures = failures;
        this.feeder = new PoolFeeder(settings, table, journal, failures, this::offer);
    }

    /** Any thread, never blocks. */
    void offer(Command command) {
        commands.offer(command);
        LockSupport.unpark(thread);
    }

    /** Any thread: the jobs thread looks again at once at what it may do. */
    void wake() {
        LockSupport.unpark(thread);
    }

    PoolFeeder feeder() {
        return feeder;
    }

    /** On this thread before {@link #run}: the table from the journal; see {@link AsyncJobs#start}. */
    void recover(long now) {
        journal.replay(table::replay);
        int again = 0;
        int failed = 0;
        for (JobTable.Entry e : table.recovered(now, settings.resultTtl())) {
            String why = settings.handlers().containsKey(e.handler) ? null
                    : "handler '" + e.handler + "' is not configured any more";
            if (why == null && e.attempts >= settings.maxAttempts()) {
                why = "the service stopped " + e.attempts + " times while job " + e.id + " (" + e.handler
                        + ") ran (jobs.maxAttempts " + settings.maxAttempts() + "); it is not run again";
            }
            if (why != null) {
                table.finish(e, JobState.FAILED, now, null, failures.encode(e.handler, new OffloadException(why)));
                failed++;
            } else {
                table.requeue(e);
                again += e.attempts > 0 ? 1 : 0;
            }
        }
        journal.rewrite(table.snapshot());
        if (table.size() > 0) {
            LOG.info("{} asynchronous job(s) recovered from the journal: {} to run, {} of them again; {} failed",
                    table.size(), table.unfinished(), again, failed);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (true) {
            int applied = 0;
            Command c;
            while (applied < BATCH && (c = commands.poll()) != null) {
                applied++;
                if (c instanceof Command.Stop) {
                    answer();
                    stop();
                    return;
                }
                try {
                    apply(c, System.currentTimeMillis());
                } catch (RuntimeException e) {
                    // A bug must not stop the thread every asynchronous job depends on; the asker may go unanswered.
                    LOG.error("{} failed on {}; carrying on", c.getClass().getSimpleName(), AsyncJobs.THREAD_NAME, e);
                }
            }
            if (applied > 0) {
                answer();
            }
            long now = System.currentTimeMillis();
            feeder.feed(now);
            long wakeAt = Math.min(table.expire(now, settings.resultTtl()), now + TICK_MS);
            if (feeder.pausedUntil() > now) {
                wakeAt = Math.min(wakeAt, feeder.pausedUntil());
            }
            compactIfDue();
            if (applied == 0 && commands.isEmpty()) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(Math.max(1, wakeAt - now)));
            }
        }
    }

    private void apply(Command command, long now) {
        if (command instanceof Command.Accept a) {
            accept(a, now);
        } else if (command instanceof Command.Cancel c) {
            cancel(c, now);
        } else if (command instanceof Command.Finished f) {
            feeder.finished(f, now);
        } else if (command instanceof Command.ListFailed l) {
            List<JobView> failed = table.failed();
            replies.add(() -> reply(l.loop(), l.reply(), failed));
        }
    }

    private void accept(Command.Accept a, long now) {
        if (feeder.stopped()) {
            refuse(a, Accepted.Refusal.STOPPING, "the service is stopping and accepts no new jobs");
            return;
        }
        byte[] fingerprint = a.key() == null ? null : Fingerprint.of(a.handler(), a.input());
        JobTable.Entry earlier = a.key() == null ? null : table.byKey(a.key());
        if (earlier != null) {
            if (Arrays.equals(earlier.fingerprint, fingerprint)) {
                JobView job = table.view(earlier.id);
                replies.add(() -> reply(a.loop(), a.reply(), Accepted.job(job, true)));
            } else {
                refuse(a, Accepted.Refusal.KEY_REUSED, "Idempotency-Key '" + a.key() + "' was sent with another request"
                        + " before (job " + earlier.id + ", handler '" + earlier.handler + "'); use a new key for a new job");
            }
            return;
        }
        if (table.unfinished() >= settings.capacity()) {
            refuse(a, Accepted.Refusal.FULL, "queue full: " + table.unfinished()
                    + " accepted jobs are not finished yet (queue.capacity); try again later");
            return;
        }
        String id = ids.next();
        try {
            journal.append(JournalRecord.accepted(id, a.handler(), now, a.key(), fingerprint, a.input()));
        } catch (RuntimeException | InternalError e) {
            LOG.error("cannot journal an accepted job: {}", e.toString());
            refuse(a, Accepted.Refusal.JOURNAL, "the journal cannot be written (" + e + "); the job was not accepted");
            return;
        }
        accepted.add(new Pending(table.accept(id, a.handler(), now, a.key(), fingerprint, a.input()), a));
    }

    private void cancel(Command.Cancel c, long now) {
        JobTable.Entry e = table.get(c.id());
        boolean cancelled = e != null && !e.state.finished();
        if (cancelled) {
            CompletableFuture<byte[]> run = e.run;
            journal.appendOrLog(JournalRecord.cancelled(e.id, now));
            table.finish(e, JobState.CANCELLED, now, null, null);
            if (run != null) {
                run.cancel(true); // the pool stops it: cooperatively, else it replaces the worker
            }
        }
        Cancelled outcome = new Cancelled(e == null ? null : table.view(e.id), cancelled);
        replies.add(() -> reply(c.loop(), c.reply(), outcome));
    }

    /** Flushes the batch, then answers; an accept whose record may not be on disk is refused and cancelled instead. */
    private void answer() {
        try {
            journal.flush();
        } catch (RuntimeException | InternalError e) {
            LOG.error("cannot force the journal to disk: {}", e.toString());
            long now = System.currentTimeMillis();
            for (Pending p : accepted) {
                journal.appendOrLog(JournalRecord.cancelled(p.entry().id, now));
                table.finish(p.entry(), JobState.CANCELLED, now, null, null);
                refuse(p.command(), Accepted.Refusal.JOURNAL, "the journal cannot be forced to disk (" + e
                        + "); the job was not accepted");
            }
            accepted.clear();
        }
        for (Pending p : accepted) {
            JobView job = table.view(p.entry().id);
            replies.add(() -> reply(p.command().loop(), p.command().reply(), Accepted.job(job, false)));
        }
        accepted.clear();
        replies.forEach(Runnable::run);
        replies.clear();
    }

    private void compactIfDue() {
        long appended = journal.appendedSinceRewrite();
        if (appended < Math.max(Math.max(COMPACT_AFTER, 4L * table.size()), retryCompactionAt)) {
            return;
        }
        try {
            journal.rewrite(table.snapshot());
            retryCompactionAt = 0;
        } catch (RuntimeException | InternalError e) {
            retryCompactionAt = appended + COMPACT_AFTER; // not at every batch while the disk is full
            LOG.warn("cannot compact the journal ({}); appending to the current generation", e.toString());
        }
    }

    /** The running jobs' attempts are given back (a stop is not their fault), then the journal closes. */
    private void stop() {
        try {
            for (JobTable.Entry e : table.runningEntries()) {
                journal.appendOrLog(JournalRecord.started(e.id, e.attempts - 1));
            }
            journal.flush();
        } catch (RuntimeException | InternalError e) {
            LOG.warn("cannot flush the journal at the stop: {}", e.toString());
        } finally {
            journal.close();
        }
    }

    private void refuse(Command.Accept a, Accepted.Refusal refusal, String message) {
        replies.add(() -> reply(a.loop(), a.reply(), Accepted.refused(refusal, message)));
    }

    private static <T> void reply(Executor loop, Consumer<T> reply, T outcome) {
        try {
            loop.execute(() -> reply.accept(outcome));
        } catch (RejectedExecutionException stopping) {
            // the loop is shutting down, and the connection that asked with it
        }
    }
}
