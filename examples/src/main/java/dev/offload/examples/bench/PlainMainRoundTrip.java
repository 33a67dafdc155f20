package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import dev.offload.examples.handlers.NoOp;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;
import org.HdrHistogram.Histogram;

/**
 * Figure 2: a plain {@code main} that calls {@code submit(...).get()} in a loop, no-op jobs, with
 * the default config; shm, then pipe, in the same JVM.
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.PlainMainRoundTrip [--jobs=50000] [--warmup=20000] [--transports=shm,pipe]}</pre>
 */
public final class PlainMainRoundTrip {
    private PlainMainRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args, "jobs", "warmup", "transports");
        int jobs = a.intValue("jobs", 50_000);
        int warmup = a.intValue("warmup", 20_000);
        Report.title(2, "plain main, submit(NoOp, i).get() in a loop, " + warmup + " warm-up", BenchConfig.defaults("auto"));
        for (String transport : a.transports()) {
            PoolConfig config = BenchConfig.defaults(transport);
            try (WorkerPool pool = BenchConfig.start(config)) {
                Histogram nanos = Report.nanosHistogram();
                for (int i = 0; i < warmup + jobs; i++) {
                    long start = System.nanoTime();
                    pool.submit(NoOp.class, i).get();
                    if (i >= warmup) {
                        nanos.recordValue(System.nanoTime() - start);
                    }
                }
                Report.latency(2, "plain main: get()", pool.stats().transport(), nanos, "");
            } catch (OffloadException e) {
                Report.unavailable(2, "plain main: get()", transport, e);
            }
        }
    }
}
