package dev.offload.cluster;

import dev.offload.config.PoolConfig;
import dev.offload.pool.handlers.Sleep;
import dev.offload.pool.handlers.Square;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What running a job on another host adds to its round trip, over loopback: two hosts in this JVM
 * (each its own Hazelcast member and worker JVM, talking over TCP on 127.0.0.1), one worker each.
 * Sequential {@code Square} jobs submitted on host A run on A while its worker is free; then, with A's
 * worker kept busy by one long job, the same jobs run on host B. Prints both latencies and the
 * difference of the medians. Arguments: jobs per phase (5000), {@code jobs.completion} (executor). Not a test: latency is never asserted in unit tests. Run it with the
 * test class path and the JVM flags of {@code offload.test.hostJvmFlags} (see cluster/README.md).
 */
public final class RemoteOverheadMain {
    private RemoteOverheadMain() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        String completion = args.length > 1 ? args[1] : "executor";
        List<String> members = TestCluster.freeAddresses(2);
        try (ClusterPool b = ClusterPool.join(config(members.get(1), members, completion));
             ClusterPool a = ClusterPool.join(config(members.get(0), members, completion))) {
            while (a.stats().members().size() < 2 || !a.stats().members().stream().allMatch(ClusterStats.Member::accepting)) {
                TimeUnit.MILLISECONDS.sleep(50); // a plain main: no Awaitility here
            }
            run(a, jobs); // warm-up
            Histogram local = run(a, jobs);
            CompletableFuture<Long> occupying = a.submit(Sleep.class, 3_600_000L);
            while (a.stats().local().busy() == 0) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            long bBefore = b.stats().local().completed();
            run(a, jobs); // warm-up
            Histogram remote = run(a, jobs);
            occupying.cancel(true);
            print("local (host A's worker)", local);
            print("remote (host B's worker)", remote);
            System.out.printf("extra latency of a job run on another host: p50 %.1f us, p90 %.1f us, p99 %.1f us%n",
                    (remote.getValueAtPercentile(50) - local.getValueAtPercentile(50)) / 1_000.0,
                    (remote.getValueAtPercentile(90) - local.getValueAtPercentile(90)) / 1_000.0,
                    (remote.getValueAtPercentile(99) - local.getValueAtPercentile(99)) / 1_000.0);
            System.out.println("jobs B ran: " + (b.stats().local().completed() - bBefore) + " of " + 2 * jobs);
        }
    }

    private static PoolConfig config(String bind, List<String> members, String completion) {
        return PoolConfig.builder().minWorkers(1).maxWorkers(1).workerHeap("64m").completion(completion)
                .startTimeout(Duration.ofSeconds(60)).clusterName("offload-overhead")
                .clusterBind(bind).clusterMembers(members).build();
    }

    /** Round trips in nanoseconds of {@code jobs} sequential jobs submitted on {@code a}. */
    private static Histogram run(ClusterPool a, int jobs) throws Exception {
        var histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (long i = 0; i < jobs; i++) {
            long start = System.nanoTime();
            long square = a.submit(Square.class, i).get(10, TimeUnit.SECONDS);
            histogram.recordValue(System.nanoTime() - start);
            if (square != i * i) {
                throw new IllegalStateException("wrong answer for " + i + ": " + square);
            }
        }
        return histogram;
    }

    private static void print(String what, Histogram h) {
        System.out.printf("%-26s n=%d p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us%n", what, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1_000.0, h.getValueAtPercentile(90) / 1_000.0,
                h.getValueAtPercentile(99) / 1_000.0, h.getMaxValue() / 1_000.0);
    }
}
