package dev.offload.service;

import dev.offload.cluster.ClusterPool;
import dev.offload.cluster.ClusterStats;
import dev.offload.pool.JobFailedException;
import dev.offload.pool.JobOptions;
import dev.offload.pool.WorkerCrashedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * What the routes do, shared by every connection: submit a job's body as it is, turn a failed job
 * into its error answer, and read the pool's health and stats. Called on the event loops; whatever
 * may wait (reading stats, logging) is handed to the {@link SideThread}.
 */
final class Endpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

    /** Receives a health or stats answer, on the event loop that asked. */
    interface StatsReply {
        void answer(int status, byte[] json);
    }

    private final Routes routes;
    private final ClusterPool pool;
    private final boolean clustered;
    private final Gate jobs;
    private final SideThread side;
    private final long maxBodyBytes;
    private final PoolHealth health;

    /** @param clustered {@code cluster.members} is set: {@code /stats} tells about the other hosts too */
    Endpoints(Routes routes, ClusterPool pool, boolean clustered, Gate jobs, SideThread side, long maxBodyBytes) {
        this.routes = routes;
        this.pool = pool;
        this.clustered = clustered;
        this.jobs = jobs;
        this.side = side;
        this.maxBodyBytes = maxBodyBytes;
        this.health = new PoolHealth(() -> pool.stats().local(), side);
    }

    Routes routes() {
        return routes;
    }

    long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Submits {@code body} to the route's handler, or returns null when the service is stopping.
     * Otherwise the caller owes {@link #jobDone()} once the returned job's outcome is delivered.
     */
    CompletableFuture<byte[]> submit(Routes.Route route, byte[] body, JobOptions options) {
        if (!jobs.enter()) {
            return null;
        }
        try {
            return pool.submitJson(route.handler().type().getName(), body, options);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // submit never throws for a runtime condition; a bug might
        }
    }

    void jobDone() {
        jobs.leave();
    }

    /** The answer to a failed job: 400 for an input that does not fit, else by {@link ErrorMapping}, logged aside. */
    HttpError failure(Routes.Route route, Throwable failure) {
        Throwable cause = ErrorMapping.unwrap(failure);
        if (cause instanceof JobFailedException e && BadInput.is(e)) {
            return BadInput.of(route.handler(), e);
        }
        String name = route.handler().name();
        if (cause instanceof JobFailedException e) {
            logAside(() -> LOG.warn("job '{}' failed: {}\n{}", name, e.getMessage(), e.remoteStackTrace()));
        } else if (cause instanceof WorkerCrashedException e) {
            logAside(() -> LOG.warn("job '{}': {}; worker stderr ended with: {}", name, e.getMessage(), e.stderrTail()));
        }
        return ErrorMapping.of(failure);
    }

    private void logAside(Runnable log) {
        try {
            side.execute(log);
        } catch (RejectedExecutionException stopping) {
            // the side thread has stopped with the server: the client still gets its answer
        }
    }

    /**
     * Gives {@code reply} the health (see {@link PoolHealth}) or the stats ({@link StatsJson}); stats
     * are read on the side thread and handed to {@code reply} on {@code loop}.
     */
    void readStats(boolean health, Executor loop, StatsReply reply) {
        if (health) {
            this.health.answer(loop, reply);
            return;
        }
        side.execute(() -> {
            ClusterStats s = pool.stats();
            this.health.keep(s.local());
            byte[] json = StatsJson.bytes(s, clustered);
            try {
                loop.execute(() -> reply.answer(200, json));
            } catch (RejectedExecutionException stopping) {
                // the loop is shutting down and its connections with it
            }
        });
    }
}
