package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import dev.offload.examples.handlers.NoOp;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Figure 2: a plain {@code main} that calls {@code submit(...).get()} in a loop, no-op jobs, with
 * the default config; shm, then pipe, in the same JVM.
 *
 * <p>The warm-up is {@code --warmup} jobs and, with {@code --warmup-seconds}, at least that long
 * after the pool is up, whichever ends later. The workers run at {@code workers.nice} 10, so while
 * this loop keeps both cores busy their JIT threads get a small share: over shm a fresh pool's
 * round trips settle 10-12 s after it is up, whatever number of jobs that took (400,000 or
 * 1,000,000; see BENCHMARKS.md).
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.PlainMainRoundTrip [--jobs=50000] [--warmup=20000] [--warmup-seconds=0] [--transports=shm,pipe]}</pre>
 */
public final class PlainMainRoundTrip {
    private PlainMainRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args, "jobs", "warmup", "warmup-seconds", "transports");
        int jobs = a.intValue("jobs", 50_000);
        int warmup = a.intValue("warmup", 20_000);
        int warmupSeconds = a.intValue("warmup-seconds", 0);
        Report.title(2, "plain main, submit(NoOp, i).get() in a loop, " + warmup + " warm-up"
                + (warmupSeconds > 0 ? " and at least " + warmupSeconds + " s" : ""), BenchConfig.defaults("auto"));
        for (String transport : a.transports()) {
            PoolConfig config = BenchConfig.defaults(transport);
            try (WorkerPool pool = BenchConfig.start(config)) {
                long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
                int warmed = 0;
                while (warmed < warmup || System.nanoTime() - warmupEnd < 0) {
                    pool.submit(NoOp.class, warmed++).get();
                }
                Histogram nanos = Report.nanosHistogram();
                for (int i = 0; i < jobs; i++) {
                    long start = System.nanoTime();
                    pool.submit(NoOp.class, i).get();
                    nanos.recordValue(System.nanoTime() - start);
                }
                Report.latency(2, "plain main: get()", pool.stats().transport(), nanos,
                        String.format("after %,d warm-up jobs", warmed));
            } catch (OffloadException e) {
                Report.unavailable(2, "plain main: get()", transport, e);
            }
        }
    }
}
