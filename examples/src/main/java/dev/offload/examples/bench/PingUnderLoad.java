package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.Locale;

/**
 * Figure 5: is the event loop still responsive while both workers of a two-worker pool run
 * CPU-bound jobs? A Vert.x server answers {@code GET /ping} on its event loop and keeps four
 * {@code --spin-ms} busy-loop jobs in flight from that loop; this thread pings it at a fixed pace
 * over one connection. First with no pool (the baseline), then over shm, then over pipe.
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.PingUnderLoad [--seconds=10] [--interval-us=1000] [--spin-ms=50] [--transports=shm,pipe]}</pre>
 */
public final class PingUnderLoad {
    private static final int WORKERS = 2;
    private static final int SPIN_JOBS_IN_FLIGHT = 2 * WORKERS; // one running and one waiting per worker

    private PingUnderLoad() {
    }

    public static void main(String[] args) throws IOException {
        Args a = Args.parse(args, "seconds", "interval-us", "spin-ms", "transports");
        int seconds = a.intValue("seconds", 10);
        long intervalNanos = a.intValue("interval-us", 1_000) * 1_000L;
        int spinMillis = a.intValue("spin-ms", 50);
        Report.title(5, "GET /ping on a Vert.x event loop, one ping every " + intervalNanos / 1_000 + " µs for " + seconds
                + " s, while " + WORKERS + " workers run " + spinMillis + " ms busy-loop jobs (" + SPIN_JOBS_IN_FLIGHT
                + " in flight); 1 s of pings first, not counted", workers("auto"));
        Vertx vertx = Vertx.vertx();
        try {
            Histogram idle = ping(vertx, new PingServer(null, 0, 0), seconds, intervalNanos);
            Report.latency(5, "ping, no pool (baseline)", "-", idle, "");
            for (String transport : a.transports()) {
                try (WorkerPool pool = BenchConfig.start(workers(transport))) {
                    long completedBefore = pool.stats().completed();
                    long start = System.nanoTime();
                    Histogram busy = ping(vertx, new PingServer(pool, spinMillis, SPIN_JOBS_IN_FLIGHT), seconds, intervalNanos);
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double spinJobsPerSecond = (pool.stats().completed() - completedBefore) / elapsed;
                    Report.latency(5, "ping, " + WORKERS + " workers busy", pool.stats().transport(), busy,
                            String.format(Locale.ROOT, "%.1f spin jobs/s (full: %.1f)", spinJobsPerSecond, WORKERS * 1000.0 / spinMillis));
                } catch (OffloadException e) {
                    Report.unavailable(5, "ping, " + WORKERS + " workers busy", transport, e);
                }
            }
        } finally {
            vertx.close().await();
        }
    }

    private static PoolConfig workers(String transport) {
        return BenchConfig.builder(transport).minWorkers(WORKERS).maxWorkers(WORKERS).build();
    }

    /** Deploys the server, pings it for a second unmeasured, then for {@code seconds}; undeploys it. */
    private static Histogram ping(Vertx vertx, PingServer server, int seconds, long intervalNanos) throws IOException {
        String id = vertx.deployVerticle(server).await();
        try (PingClient client = new PingClient(server.port())) {
            client.measure(1, intervalNanos);
            return client.measure(seconds, intervalNanos);
        } finally {
            vertx.undeploy(id).await();
        }
    }
}
