package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import dev.offload.examples.handlers.NoOp;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Figure 3: throughput of one thread pumping no-op jobs into a pool of exactly two workers, at most
 * {@code --in-flight} jobs unfinished at a time (a permit taken before each submit, given back when
 * the job completes); otherwise the default config. One pool per transport, all in this JVM.
 *
 * <p>All pools start first and stay open; each is warmed up with {@code --warmup} jobs, then every
 * round measures {@code --jobs} jobs on each pool in turn, the order reversed from one round to the
 * next so that no transport always goes first. The host's speed drifts over minutes (other tenants,
 * frequency), so transports measured one after the other can fall in a slow and a fast period: only
 * the ratio of figures taken side by side, round by round, is a same-run comparison. A line per
 * round gives each transport's jobs/s and the shm/pipe ratio; the table's rows give each
 * transport's median jobs/s over the rounds, and a last line the median, min and max of the rounds'
 * shm/pipe ratios. The caller's code is shared by the pools and warmed by every pool's warm-up
 * before the first round, so no transport is measured on code compiled for another alone.
 *
 * <p>Under each row, the CPU time the transport's measured jobs cost, per job, over all its rounds:
 * the caller's JVM by thread and each worker JVM (from {@code /proc}, in 10 ms ticks: use a long
 * {@code --jobs} for fine figures). The other pool's workers and threads are counted too (its
 * workers are listed): while one pool is measured the other is idle, its threads asleep, and it
 * adds about 0 once warm; after a short {@code --warmup} its workers' JIT threads may still be
 * compiling. On a machine with fewer cores than busy threads, throughput is two cores divided by
 * this.
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.Throughput [--jobs=200000] [--warmup=20000] [--rounds=5] [--in-flight=256] [--transports=shm,pipe]}</pre>
 */
public final class Throughput {
    private static final int WORKERS = 2;

    private Throughput() {
    }

    public static void main(String[] args) throws InterruptedException {
        Args a = Args.parse(args, "jobs", "warmup", "rounds", "in-flight", "transports");
        int jobs = a.intValue("jobs", 200_000);
        int warmup = a.intValue("warmup", 20_000);
        int rounds = a.intValue("rounds", 5);
        int inFlight = a.intValue("in-flight", 256);
        if (jobs < 1 || rounds < 1 || inFlight < 1) {
            throw new IllegalArgumentException("--jobs, --rounds and --in-flight must be >= 1 (got "
                    + jobs + ", " + rounds + ", " + inFlight + ")");
        }
        String caseName = "throughput: 1 thread, " + inFlight + " in flight, " + WORKERS + " workers";
        Report.title(3, "no-op jobs pumped by one thread, " + inFlight + " in flight, " + WORKERS + " workers, "
                + warmup + " warm-up per pool, then " + rounds + " rounds of " + jobs + " per transport", workers("auto"));
        try (Pools pools = new Pools()) {
            for (String transport : a.transports().stream().distinct().toList()) {
                try {
                    pools.open.add(new Pool(transport, BenchConfig.start(workers(transport))));
                } catch (OffloadException e) {
                    Report.unavailable(3, caseName, transport, e);
                }
            }
            if (pools.open.isEmpty()) {
                return;
            }
            for (Pool p : pools.open) {
                pump(p.pool, warmup, inFlight);
            }
            List<Pool> order = new ArrayList<>(pools.open);
            for (int round = 1; round <= rounds; round++) {
                for (Pool p : order) {
                    p.measure(jobs, inFlight);
                }
                System.out.println(roundLine(round, order.get(0), pools));
                Collections.reverse(order);
            }
            for (Pool p : pools.open) {
                Report.other(3, caseName, p.transport, String.format(Locale.ROOT, "%d × %,d", rounds, jobs),
                        String.format(Locale.ROOT, "%,.0f jobs/s", median(p.jobsPerSecond)));
                System.out.println("  CPU per job, " + p.transport + ": " + p.cpu.perJob());
            }
            List<Double> ratios = pools.ratios();
            if (!ratios.isEmpty()) {
                System.out.printf(Locale.ROOT, "shm/pipe: median of per-round ratios %.2f (min %.2f, max %.2f over %d rounds)%n",
                        median(ratios), Collections.min(ratios), Collections.max(ratios), ratios.size());
            }
        }
    }

    private static PoolConfig workers(String transport) {
        return BenchConfig.builder(transport).minWorkers(WORKERS).maxWorkers(WORKERS).build();
    }

    /** {@code round 2 (pipe first): shm 684,174, pipe 387,993 jobs/s; shm/pipe 1.76}. */
    private static String roundLine(int round, Pool first, Pools pools) {
        StringBuilder line = new StringBuilder("round " + round);
        if (pools.open.size() > 1) {
            line.append(" (").append(first.transport).append(" first)");
        }
        String separator = ": ";
        for (Pool p : pools.open) {
            line.append(separator).append(p.transport).append(' ')
                    .append(String.format(Locale.ROOT, "%,.0f", p.jobsPerSecond.get(round - 1)));
            separator = ", ";
        }
        line.append(" jobs/s");
        List<Double> ratios = pools.ratios();
        if (!ratios.isEmpty()) {
            line.append(String.format(Locale.ROOT, "; shm/pipe %.2f", ratios.get(round - 1)));
        }
        return line.toString();
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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

    /** One transport's pool and what its measured rounds gave: jobs/s by round, CPU summed. */
    private static final class Pool {
        private final String transport;
        private final WorkerPool pool;
        private final List<Double> jobsPerSecond = new ArrayList<>();
        private final CpuPerJob cpu = new CpuPerJob();

        Pool(String transport, WorkerPool pool) {
            this.transport = transport;
            this.pool = pool;
        }

        void measure(int jobs, int inFlight) throws InterruptedException {
            cpu.start();
            long start = System.nanoTime();
            pump(pool, jobs, inFlight);
            double seconds = (System.nanoTime() - start) / 1e9;
            cpu.stop(jobs);
            jobsPerSecond.add(jobs / seconds);
        }
    }

    /** The open pools, in {@code --transports} order; closing closes every one, even if one fails. */
    private static final class Pools implements AutoCloseable {
        private final List<Pool> open = new ArrayList<>();

        /** shm's jobs/s over pipe's, by round; empty unless both are measured. */
        List<Double> ratios() {
            Pool shm = find("shm");
            Pool pipe = find("pipe");
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; shm != null && pipe != null && i < shm.jobsPerSecond.size(); i++) {
                ratios.add(shm.jobsPerSecond.get(i) / pipe.jobsPerSecond.get(i));
            }
            return ratios;
        }

        private Pool find(String transport) {
            return open.stream().filter(p -> p.transport.equals(transport)).findFirst().orElse(null);
        }

        @Override
        public void close() {
            closeFrom(0);
        }

        /** As nested try-with-resources would: the last first, each even if a later one failed. */
        private void closeFrom(int index) {
            if (index < open.size()) {
                try (WorkerPool pool = open.get(index).pool) {
                    closeFrom(index + 1);
                }
            }
        }
    }
}
