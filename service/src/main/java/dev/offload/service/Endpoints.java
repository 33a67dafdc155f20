package dev.offload.service;

import dev.offload.cluster.ClusterPool;
import dev.offload.cluster.ClusterStats;
import dev.offload.pool.JobOptions;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * What the routes do, shared by every connection: submit a job's body as it is, turn a failed job
 * into its error answer ({@link JobFailures}), and read the pool's health and stats; the routes of
 * asynchronous jobs are {@link #async()}'s. Called on the event loops; whatever may wait (reading
 * stats, logging) is handed to the {@link SideThread}.
 */
final class Endpoints {
    /** Receives a health, stats or metrics answer, on the event loop that asked. */
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
    private final JobFailures failures;
    private final AsyncEndpoints async;
    private final ServiceMetrics metrics;

    /** @param clustered {@code cluster.members} is set: {@code /stats} tells about the other hosts too */
    Endpoints(Routes routes, ClusterPool pool, boolean clustered, Gate jobs, SideThread side, long maxBodyBytes,
              JobFailures failures, AsyncEndpoints async, ServiceMetrics metrics) {
        this.routes = routes;
        this.pool = pool;
        this.clustered = clustered;
        this.jobs = jobs;
        this.side = side;
        this.maxBodyBytes = maxBodyBytes;
        this.failures = failures;
        this.async = async;
        this.metrics = metrics;
        this.health = new PoolHealth(() -> pool.stats().local(), side);
    }

    /** Whether {@code /health} says {@code "warming-up"} ({@link WarmUp}). */
    void warming(boolean warming) {
        health.warming(warming);
    }

    Routes routes() {
        return routes;
    }

    AsyncEndpoints async() {
        return async;
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

    /** The answer to a failed job (see {@link JobFailures}). */
    HttpError failure(Routes.Route route, Throwable failure) {
        return failures.answer(route.handler(), failure);
    }

    /**
     * Gives {@code reply} the Prometheus text of every meter ({@link ServiceMetrics}), rendered on
     * the side thread and handed to {@code reply} on {@code loop}: a scrape reads the pool's
     * histograms and the JVM's management beans, far too long for an event loop to wait. A scrape
     * that fails answers 500 with the failure as a Prometheus comment.
     */
    void scrapeMetrics(Executor loop, StatsReply reply) {
        side.execute(() -> {
            int status = 200;
            byte[] text;
            try {
                text = metrics.scrape();
            } catch (RuntimeException e) {
                status = 500;
                text = ("# the scrape failed: " + e + "\n").getBytes(StandardCharsets.UTF_8);
            }
            int answered = status;
            byte[] body = text;
            try {
                loop.execute(() -> reply.answer(answered, body));
            } catch (RejectedExecutionException stopping) {
                // the loop is shutting down and its connections with it
            }
        });
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
