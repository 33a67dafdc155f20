package dev.offload.service.async;

import dev.offload.pool.JobOptions;
import dev.offload.pool.PoolRejectedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Hands queued jobs to the pool and takes in how their runs ended; on the {@code offload-async-jobs}
 * thread ({@link JobKeeper}), but for {@link #runOn} and {@link #stop}. At most {@code workers.max}
 * jobs per host run at a time, so that {@code running} means on a worker (or about to be) and the
 * jobs waiting for one wait here, in the order they were accepted, where a restart finds them.
 */
final class PoolFeeder {
    /** How long to wait before handing jobs again to a pool whose queue was full. */
    private static final long FULL_PAUSE_MS = 50;
    /** How often the number of hosts is asked again. */
    private static final long HOSTS_EVERY_MS = 1_000;

    private final AsyncSettings settings;
    private final JobTable table;
    private final Journal journal;
    private final AsyncJobs.FailureEncoder failures;
    private final Consumer<Command> commands;
    /** Null until the pool has started. */
    private volatile AsyncJobs.Submitter pool;
    private IntSupplier hosts;
    private volatile boolean stopped;
    private long pausedUntil;
    private long hostsAskedAt = Long.MIN_VALUE;
    private int window = 1;

    /** @param commands where the end of each run is sent, from whatever thread the pool completes it on */
    PoolFeeder(AsyncSettings settings, JobTable table, Journal journal, AsyncJobs.FailureEncoder failures,
               Consumer<Command> commands) {
        this.settings = settings;
        this.table = table;
        this.journal = journal;
        this.failures = failures;
        this.commands = commands;
    }

    /** Any thread: jobs go to {@code pool} from now on. */
    void runOn(AsyncJobs.Submitter pool, IntSupplier hosts) {
        this.hosts = hosts;
        this.pool = pool; // the volatile write publishes hosts with it
    }

    /** Any thread: no queued job is handed over any more (the service is stopping); running ones still end. */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    /** When {@link #feed} may hand over jobs again after a full pool, or 0. */
    long pausedUntil() {
        return pausedUntil;
    }

    void feed(long now) {
        AsyncJobs.Submitter to = pool;
        if (stopped || now < pausedUntil || to == null) {
            return;
        }
        if (now - hostsAskedAt >= HOSTS_EVERY_MS) {
            hostsAskedAt = now;
            window = Math.max(1, settings.workersPerHost() * hosts.getAsInt());
        }
        while (table.running() < window) {
            JobTable.Entry e = table.nextQueued();
            if (e == null) {
                return;
            }
            CompletableFuture<byte[]> run = submit(to, e);
            if (run.isCompletedExceptionally() && isQueueFull(failure(run))) {
                table.putBack(e);
                pausedUntil = now + FULL_PAUSE_MS;
                return;
            }
            table.started(e, run);
            journal.appendOrLog(JournalRecord.started(e.id, e.attempts));
            run.whenComplete((result, failure) -> commands.accept(new Command.Finished(e, run, result, failure)));
        }
    }

    void finished(Command.Finished f, long now) {
        JobTable.Entry e = f.entry();
        if (e.run != f.run()) {
            return; // cancelled meanwhile
        }
        Throwable failure = f.failure() instanceof CompletionException && f.failure().getCause() != null
                ? f.failure().getCause() : f.failure();
        if (failure == null) {
            journal.appendOrLog(JournalRecord.done(e.id, now, f.result()));
            table.finish(e, JobState.DONE, now, f.result(), null);
        } else if (isQueueFull(failure)) {
            // Not the job's fault: synchronous requests filled the pool. It waits here again, at no cost.
            table.unstart(e);
            journal.appendOrLog(JournalRecord.started(e.id, e.attempts));
            pausedUntil = now + FULL_PAUSE_MS;
        } else {
            byte[] error = failures.encode(e.handler, failure);
            journal.appendOrLog(JournalRecord.failed(e.id, now, error));
            table.finish(e, JobState.FAILED, now, null, error);
        }
    }

    private CompletableFuture<byte[]> submit(AsyncJobs.Submitter to, JobTable.Entry e) {
        try {
            return to.submit(settings.handlers().get(e.handler), e.input, JobOptions.defaults());
        } catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex); // submit never throws for a runtime condition; a bug might
        }
    }

    private static Throwable failure(CompletableFuture<byte[]> failed) {
        try {
            failed.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static boolean isQueueFull(Throwable failure) {
        return failure instanceof PoolRejectedException r && r.reason() == PoolRejectedException.Reason.QUEUE_FULL;
    }
}
