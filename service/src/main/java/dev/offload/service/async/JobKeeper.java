package dev.offload.service.async;

import dev.offload.pool.JobOptions;
import dev.offload.pool.OffloadException;
import dev.offload.pool.PoolRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The thread {@code offload-async-jobs}: the one owner of the {@link JobTable} and the {@link Journal}.
 * Event loops and the pool hand it {@link Command}s through a lock-free queue and an unpark, never
 * waiting; it applies them in order, journals each change, forces the batch to disk when the flush
 * policy says so, and only then answers, on the loop that asked. Between batches it hands queued
 * jobs to the pool (at most {@code workers.max} per host at a time, so that {@code running} means
 * on a worker), forgets results older than {@code journal.resultTtl}, and compacts the journal.
 */
final class JobKeeper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(JobKeeper.class);
    /** How long to wait before handing jobs to a pool whose queue was full. */
    private static final long FULL_PAUSE_MS = 50;
    private static final long TICK_MS = 1_000;
    /** A new journal generation once this many records (or four per job, if more) were appended since the last. */
    private static final long COMPACT_AFTER = 100_000;

    sealed interface Command permits Accept, Cancel, ListFailed, Finished, Stop {
    }

    record Accept(String handler, byte[] input, String key, Executor loop, Consumer<Accepted> reply) implements Command {
    }

    record Cancel(String id, Executor loop, Consumer<Cancelled> reply) implements Command {
    }

    record ListFailed(Executor loop, Consumer<List<JobView>> reply) implements Command {
    }

    record Finished(JobTable.Entry entry, CompletableFuture<byte[]> run, byte[] result, Throwable failure) implements Command {
    }

    record Stop() implements Command {
    }

    private final AsyncSettings settings;
    private final Journal journal;
    /** Null until the pool has started ({@link #runOn}). */
    private volatile AsyncJobs.Submitter submitter;
    private IntSupplier hosts;
    private final AsyncJobs.FailureEncoder failures;
    private final JobTable table;
    private final JobIds ids = new JobIds();
    private final Queue<Command> commands = new ConcurrentLinkedQueue<>();
    /** Answers of the batch being applied: sent once it is journaled (and flushed). */
    private final List<Runnable> replies = new ArrayList<>();
    private final List<Pending> accepted = new ArrayList<>();
    private volatile Thread thread;
    private volatile boolean dispatching = true;
    private long pausedUntil;
    private long nextTick;
    private int window = 1;

    private record Pending(JobTable.Entry entry, Accept command) {
    }

    JobKeeper(AsyncSettings settings, Journal journal, JobTable table, AsyncJobs.FailureEncoder failures) {
        this.settings = settings;
        this.journal = journal;
        this.table = table;
        this.failures = failures;
    }

    /** Any thread: jobs are handed to {@code pool} from now on. */
    void runOn(AsyncJobs.Submitter pool, IntSupplier hosts) {
        this.hosts = hosts;
        submitter = pool; // publishes hosts with it
        LockSupport.unpark(thread);
    }

    /** Any thread, never blocks. */
    void offer(Command command) {
        commands.offer(command);
        LockSupport.unpark(thread);
    }

    /** From now on no queued job is handed to the pool (the service is stopping); running ones still finish. */
    void stopDispatching() {
        dispatching = false;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (true) {
            boolean stop = false;
            int applied = 0;
            for (Command c = commands.poll(); c != null; c = applied < 4_096 ? commands.poll() : null) {
                applied++;
                if (c instanceof Stop) {
                    stop = true;
                    break;
                }
                apply(c);
            }
            if (applied > 0) {
                answer();
            }
            if (stop) {
                stop();
                return;
            }
            long now = System.currentTimeMillis();
            dispatch(now);
            long nextExpiry = table.expire(now, settings.resultTtl());
            compactIfDue();
            if (applied == 0 && commands.isEmpty()) {
                long until = Math.min(nextExpiry, Math.min(nextTick, pausedUntil > now ? pausedUntil : Long.MAX_VALUE));
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(until - now, TICK_MS))));
            }
        }
    }

    private void apply(Command command) {
        long now = System.currentTimeMillis();
        if (command instanceof Accept a) {
            accept(a, now);
        } else if (command instanceof Cancel c) {
            cancel(c, now);
        } else if (command instanceof Finished f) {
            finished(f, now);
        } else if (command instanceof ListFailed l) {
            List<JobView> failed = table.failed();
            replies.add(() -> reply(l.loop(), l.reply(), failed));
        }
    }

    private void accept(Accept a, long now) {
        if (!dispatching) {
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
                refuse(a, Accepted.Refusal.KEY_REUSED, "Idempotency-Key '" + a.key() + "' was sent with another request before"
                        + " (job " + earlier.id + ", handler '" + earlier.handler + "'); use a new key for a new job");
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

    private void cancel(Cancel c, long now) {
        JobTable.Entry e = table.get(c.id());
        if (e == null || e.state.finished()) {
            Cancelled outcome = new Cancelled(e == null ? null : table.view(e.id), false);
            replies.add(() -> reply(c.loop(), c.reply(), outcome));
            return;
        }
        CompletableFuture<byte[]> run = e.run;
        journalQuietly(JournalRecord.cancelled(e.id, now));
        table.finish(e, JobState.CANCELLED, now, null, null);
        if (run != null) {
            run.cancel(true); // the pool stops it: cooperatively, else it replaces the worker; its outcome is stale now
        }
        Cancelled outcome = new Cancelled(table.view(e.id), true);
        replies.add(() -> reply(c.loop(), c.reply(), outcome));
    }

    private void finished(Finished f, long now) {
        JobTable.Entry e = f.entry();
        if (e.run != f.run()) {
            return; // cancelled meanwhile
        }
        Throwable failure = f.failure() instanceof CompletionException && f.failure().getCause() != null
                ? f.failure().getCause() : f.failure();
        if (failure == null) {
            journalQuietly(JournalRecord.done(e.id, now, f.result()));
            table.finish(e, JobState.DONE, now, f.result(), null);
        } else if (failure instanceof PoolRejectedException r && r.reason() == PoolRejectedException.Reason.QUEUE_FULL) {
            // Not the job's fault: synchronous requests filled the pool. It waits here again, at no cost.
            table.unstart(e);
            journalQuietly(JournalRecord.started(e.id, e.attempts));
            pausedUntil = now + FULL_PAUSE_MS;
        } else {
            byte[] error = failures.encode(e.handler, failure);
            journalQuietly(JournalRecord.failed(e.id, now, error));
            table.finish(e, JobState.FAILED, now, null, error);
        }
    }

    /** Flushes the batch, then sends its answers; an accept whose record may not be on disk is refused instead. */
    private void answer() {
        try {
            journal.flush();
        } catch (RuntimeException | InternalError e) {
            LOG.error("cannot force the journal to disk: {}", e.toString());
            long now = System.currentTimeMillis();
            for (Pending p : accepted) {
                journalQuietly(JournalRecord.cancelled(p.entry().id, now));
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

    private void dispatch(long now) {
        if (!dispatching || now < pausedUntil || submitter == null) {
            return;
        }
        if (now >= nextTick) {
            nextTick = now + TICK_MS;
            window = Math.max(1, settings.workersPerHost() * hosts.getAsInt());
        }
        while (table.running() < window) {
            JobTable.Entry e = table.nextQueued();
            if (e == null) {
                return;
            }
            CompletableFuture<byte[]> run = submit(e);
            if (run.isCompletedExceptionally() && queueFull(run)) {
                table.putBack(e);
                pausedUntil = now + FULL_PAUSE_MS;
                return;
            }
            table.started(e, run);
            journalQuietly(JournalRecord.started(e.id, e.attempts));
            run.whenComplete((result, failure) -> offer(new Finished(e, run, result, failure)));
        }
    }

    private CompletableFuture<byte[]> submit(JobTable.Entry e) {
        try {
            return submitter.submit(settings.handlers().get(e.handler), e.input, JobOptions.defaults());
        } catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex); // submit never throws for a runtime condition; a bug might
        }
    }

    private static boolean queueFull(CompletableFuture<byte[]> run) {
        try {
            run.join();
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof PoolRejectedException r && r.reason() == PoolRejectedException.Reason.QUEUE_FULL;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void compactIfDue() {
        if (journal.appendedSinceRewrite() < Math.max(COMPACT_AFTER, 4L * table.size())) {
            return;
        }
        try {
            journal.rewrite(table.snapshot());
        } catch (RuntimeException | InternalError e) {
            LOG.warn("cannot compact the journal ({}); appending to the current generation", e.toString());
        }
    }

    /** The running jobs' attempts are given back (stopping is not their fault), then the journal closes. */
    private void stop() {
        try {
            for (JobTable.Entry e : table.runningEntries()) {
                journalQuietly(JournalRecord.started(e.id, e.attempts - 1));
            }
            journal.flush();
        } catch (RuntimeException | InternalError e) {
            LOG.warn("cannot journal the jobs still running at the stop: {}", e.toString());
        } finally {
            journal.close();
        }
    }

    /** Recovers the table from the journal: see {@link AsyncJobs#start}. */
    void recover(long now) {
        journal.replay(table::replay);
        int rerun = 0;
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
                rerun += e.attempts > 0 ? 1 : 0;
            }
        }
        journal.rewrite(table.snapshot());
        if (table.size() > 0) {
            LOG.info("{} asynchronous job(s) recovered from the journal: {} to run, {} of them again; {} failed", table.size(),
                    table.unfinished(), rerun, failed);
        }
    }

    private void journalQuietly(JournalRecord record) {
        try {
            journal.append(record);
        } catch (RuntimeException | InternalError e) {
            // The change holds in memory; after a crash the job would run again (at least once).
            LOG.error("cannot journal {} of job {}: {}", record.type(), record.id(), e.toString());
        }
    }

    private void refuse(Accept a, Accepted.Refusal refusal, String message) {
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
