package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import dev.offload.examples.handlers.NoOp;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;

import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Figure 3: throughput of one thread pumping no-op jobs into a pool of exactly two workers, at most
 * {@code --in-flight} jobs unfinished at a time (a permit taken before each submit, given back when
 * the job completes); otherwise the default config. shm, then pipe, in the same JVM.
 *
 * <p>Under each row, the CPU time the measured jobs cost, per job: the caller's JVM by thread and
 * each worker JVM (from {@code /proc}, in 10 ms ticks: use a long {@code --jobs} for fine figures).
 * On a machine with fewer cores than busy threads, throughput is two cores divided by this.
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.Throughput [--jobs=200000] [--warmup=20000] [--in-flight=256] [--transports=shm,pipe]}</pre>
 */
public final class Throughput {
    private static final int WORKERS = 2;

    private Throughput() {
    }

    public static void main(String[] args) throws InterruptedException {
        Args a = Args.parse(args, "jobs", "warmup", "in-flight", "transports");
        int jobs = a.intValue("jobs", 200_000);
        int warmup = a.intValue("warmup", 20_000);
        int inFlight = a.intValue("in-flight", 256);
        String caseName = "throughput: 1 thread, " + inFlight + " in flight, " + WORKERS + " workers";
        Report.title(3, "no-op jobs pumped by one thread, " + inFlight + " in flight, " + WORKERS + " workers, "
                + warmup + " warm-up", workers("auto"));
        for (String transport : a.transports()) {
            try (WorkerPool pool = BenchConfig.start(workers(transport))) {
                pump(pool, warmup, inFlight);
                CpuPerJob cpu = CpuPerJob.start();
                long start = System.nanoTime();
                pump(pool, jobs, inFlight);
                double seconds = (System.nanoTime() - start) / 1e9;
                String usage = cpu.finish(jobs);
                Report.other(3, caseName, pool.stats().transport(), jobs,
                        String.format(Locale.ROOT, "%,.0f jobs/s", jobs / seconds));
                System.out.println("  CPU per job, " + pool.stats().transport() + ": " + usage);
            } catch (OffloadException e) {
                Report.unavailable(3, caseName, transport, e);
            }
        }
    }

    private static PoolConfig workers(String transport) {
        return BenchConfig.builder(transport).minWorkers(WORKERS).maxWorkers(WORKERS).build();
    }

    /** Submits {@code count} jobs, never more than {@code inFlight} unfinished; returns when all are done. */
    private static void pump(WorkerPool pool, int count, int inFlight) throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < count; i++) {
            permits.acquire();
            pool.submit(NoOp.class, i).whenComplete((result, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                permits.release();
            });
        }
        permits.acquire(inFlight); // every permit back: every job has completed
        if (failure.get() != null) {
            throw new IllegalStateException("a job failed", failure.get());
        }
    }
}
