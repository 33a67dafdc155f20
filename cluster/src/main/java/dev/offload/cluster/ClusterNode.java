package dev.offload.cluster;

import dev.offload.config.PoolConfig;
import dev.offload.pool.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster side of a host: its Hazelcast member ({@link ClusterLink}), what it publishes and knows
 * of the others ({@link LoadBoard}), the jobs it runs for others ({@link Inbox}) and the jobs it
 * placed ({@link Outbox}), and the two thread roles they need: {@code offload-cluster-timer} (load
 * publication, job timeouts) and {@code offload-cluster-callback-N} (completing callers' futures, so
 * that a slow callback never holds up a Hazelcast thread; not with {@code jobs.completion: direct}).
 * Owns all of them; {@link #close()} is idempotent and returns once the member has left and the
 * threads have stopped.
 */
final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final long THREAD_STOP_MILLIS = 5_000;

    private final ClusterLink link;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService callbacks;
    private final LoadBoard board;
    private final Inbox inbox;
    private final Outbox outbox;
    private boolean closed; // guarded by this

    private ClusterNode(PoolConfig config, WorkerPool pool, LocalLoad load, ClusterLink link, Dispatch dispatch) {
        this.link = link;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "offload-cluster-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        AtomicInteger n = new AtomicInteger();
        this.callbacks = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "offload-cluster-callback-" + n.incrementAndGet()));
        this.board = new LoadBoard(link, load);
        this.inbox = new Inbox(pool, link, load);
        // jobs.completion: direct completes callers' futures on the Hazelcast thread the result arrives on.
        Executor completion = config.completion().equals("direct") ? Runnable::run : callbacks;
        this.outbox = new Outbox(pool, link, board, load, timer, completion, config.maxAttempts(), config.jobTimeout());
        dispatch.bind(inbox, outbox);
        link.onMemberLeft(member -> {
            outbox.hostLeft(member);
            inbox.submitterLeft(member);
            board.forget(member);
        });
        board.tick();
        timer.scheduleWithFixedDelay(this::tick, LoadBoard.PUBLISH_PERIOD_MS, LoadBoard.PUBLISH_PERIOD_MS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Joins the cluster of {@code cluster.members} and starts taking other hosts' jobs into {@code pool}.
     *
     * @throws dev.offload.pool.OffloadException when the member cannot start; nothing is left running
     */
    static ClusterNode join(PoolConfig config, WorkerPool pool, LocalLoad load) {
        Dispatch dispatch = new Dispatch();
        ClusterLink link = ClusterLink.join(config, dispatch);
        try {
            return new ClusterNode(config, pool, load, link, dispatch);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    Outbox outbox() {
        return outbox;
    }

    LoadBoard board() {
        return board;
    }

    /**
     * Takes no more jobs from other hosts and says so; completes when every job this host placed is
     * decided and every job it accepted from others has been answered.
     */
    CompletableFuture<Void> drain() {
        board.stopAccepting();
        inbox.stopAccepting();
        return CompletableFuture.allOf(outbox.drained(), inbox.drained());
    }

    /** The pool is about to be killed: see {@link Inbox#closing()}; undecided jobs of this host fail. */
    void abandon() {
        inbox.closing();
        outbox.abandonAll();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        try {
            link.close();
        } catch (RuntimeException e) {
            LOG.warn("leaving the cluster failed: {}", e.toString());
        }
        callbacks.shutdown(); // completions already handed over still run
        try {
            timer.awaitTermination(THREAD_STOP_MILLIS, TimeUnit.MILLISECONDS);
            callbacks.awaitTermination(THREAD_STOP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // A periodic task that throws is never run again: a failed tick is logged and retried.
    private void tick() {
        try {
            board.tick();
        } catch (RuntimeException e) {
            LOG.debug("could not publish or read the hosts' loads: {}", e.toString());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
