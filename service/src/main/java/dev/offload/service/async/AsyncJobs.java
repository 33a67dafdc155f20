package dev.offload.service.async;

import dev.offload.pool.JobOptions;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The asynchronous jobs of {@code offload serve}: accepted at once with an id, run when the pool has
 * room, their outcome kept for {@code journal.resultTtl}. With {@code journal.dir} every change is
 * journaled before anyone hears of it, so that what was accepted survives a crash of the service and
 * runs again after the restart (at least once); without it they live in memory.
 *
 * <p>Owns the {@code offload-async-jobs} thread ({@link JobKeeper}), which owns the jobs and the
 * journal. {@link #start} and {@link #close} block; every other method may be called on any thread,
 * an event loop included: it hands the request over without waiting, and the outcome comes back on
 * the executor given.
 */
public final class AsyncJobs implements AutoCloseable {
    static final String THREAD_NAME = "offload-async-jobs";
    private static final long STOP_WAIT_MS = 10_000;

    /** Hands a job to the pool; never blocks (WorkerPool's and ClusterPool's {@code submitJson}). */
    public interface Submitter {
        CompletableFuture<byte[]> submit(String handlerClass, byte[] input, JobOptions options);
    }

    /** The error of a failed job as the JSON object that is kept and shown; called on the jobs thread. */
    public interface FailureEncoder {
        byte[] encode(String handler, Throwable failure);
    }

    private final JobTable table;
    private final JobKeeper keeper;
    private final Thread thread;
    private boolean closed;

    private AsyncJobs(JobTable table, JobKeeper keeper, Thread thread) {
        this.table = table;
        this.keeper = keeper;
        this.thread = thread;
    }

    /**
     * Opens the journal (if any), replays it, queues again the jobs it left unfinished, starts a new
     * journal generation that holds them, and starts taking requests; jobs run once {@link #runOn}
     * names the pool. Damaged journal records are skipped, and a damaged generation is kept aside,
     * but neither stops the start.
     *
     * @throws JournalUnusableException when {@code journal.dir} cannot be used or written
     */
    public static AsyncJobs start(AsyncSettings settings, FailureEncoder failures) {
        Journal journal = settings.journalDir().<Journal>map(dir -> ChronicleJournal.open(dir, settings.syncFlush()))
                .orElse(Journal.NONE);
        JobTable table = new JobTable();
        JobKeeper keeper = new JobKeeper(settings, journal, table, failures);
        CompletableFuture<Void> recovered = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                keeper.recover(System.currentTimeMillis());
            } catch (RuntimeException | Error e) {
                journal.close();
                recovered.completeExceptionally(e);
                return;
            }
            recovered.complete(null);
            keeper.run();
        }, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
        try {
            recovered.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            keeper.offer(new Command.Stop());
            throw new IllegalStateException("interrupted while recovering the asynchronous jobs", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JournalUnusableException unusable) {
                throw unusable;
            }
            throw new JournalUnusableException("cannot write the journal in " + settings.journalDir().orElseThrow()
                    + ": " + e.getCause(), e.getCause());
        }
        return new AsyncJobs(table, keeper, thread);
    }

    /**
     * From now on jobs are handed to {@code pool}, the queued ones first, up to {@code workers.max}
     * per host at a time.
     *
     * @param hosts how many hosts run jobs (1 without a cluster); asked about once a second, on the jobs thread
     */
    public void runOn(Submitter pool, IntSupplier hosts) {
        keeper.feeder().runOn(pool, hosts);
        keeper.wake(); // to hand over the recovered jobs now
    }

    /** True if {@code id} has the form of a job id (it may still be unknown). */
    public static boolean isJobId(String id) {
        return JobIds.isWellFormed(id);
    }

    /**
     * Accepts a job for the handler named {@code handler} (a configured name); {@code reply} gets the
     * outcome on {@code loop} once the job is journaled (and flushed, under {@code journal.flush: sync}).
     *
     * @param key the client's Idempotency-Key, or null
     */
    public void accept(String handler, byte[] input, String key, Executor loop, Consumer<Accepted> reply) {
        keeper.offer(new Command.Accept(handler, input, key, loop, reply));
    }

    /** The job as it stands, or null if unknown (never accepted, or forgotten after {@code journal.resultTtl}). */
    public JobView view(String id) {
        return table.view(id);
    }

    /** Cancels a queued or running job; {@code reply} gets the outcome on {@code loop}. */
    public void cancel(String id, Executor loop, Consumer<Cancelled> reply) {
        keeper.offer(new Command.Cancel(id, loop, reply));
    }

    /** The dead letters: failed jobs still kept, the latest first, given to {@code reply} on {@code loop}. */
    public void failed(Executor loop, Consumer<List<JobView>> reply) {
        keeper.offer(new Command.ListFailed(loop, reply));
    }

    /** Refuses new jobs and hands no queued job to the pool any more; the running ones still finish. */
    public void stopAccepting() {
        keeper.feeder().stop();
    }

    /**
     * Stops the jobs thread after what was handed to it: the jobs still running count as not begun
     * (a stop is not their fault), the journal is flushed and closed. Waits a few seconds at most.
     * Call after the pool has finished what it could. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        keeper.feeder().stop();
        keeper.offer(new Command.Stop());
        try {
            thread.join(STOP_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
