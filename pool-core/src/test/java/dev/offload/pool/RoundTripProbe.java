package dev.offload.pool;

import dev.offload.config.PoolConfig;
import dev.offload.pool.handlers.Bytes;
import dev.offload.transport.shm.ShmChannel;
import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * A quick look at sequential no-op round trips (submit → result) per transport, for tuning while
 * developing; the real numbers come from {@code offload bench} and the jmh module. Not a test.
 *
 * <pre>java [chronicle flags] -cp pool-core test class path dev.offload.pool.RoundTripProbe 20000 executor</pre>
 */
public final class RoundTripProbe {
    private RoundTripProbe() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        String completion = args.length > 1 ? args[1] : "executor";
        java.time.Duration spin = java.time.Duration.ofNanos(args.length > 2 ? Long.parseLong(args[2]) * 1000 : 20_000);
        for (String transport : List.of("shm", "pipe")) {
            PoolConfig config = PoolConfig.fromEnvironment().toBuilder().transport(transport).minWorkers(1).maxWorkers(1)
                    .completion(completion).shmSpin(spin).workerHeap("128m").build();
            try (WorkerPool pool = WorkerPool.start(config)) {
                byte[] payload = new byte[16];
                for (int i = 0; i < 20_000; i++) {
                    pool.submit(Bytes.class, payload).join();
                }
                PoolStats before = pool.stats();
                Histogram h = new Histogram(3_600_000_000_000L, 3);
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    pool.submit(Bytes.class, payload).join();
                    h.recordValue(System.nanoTime() - t0);
                }
                System.out.printf("%-4s %-8s n=%d p50=%.1fus p90=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus%n", transport, completion, n,
                        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                        h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
                PoolStats after = pool.stats();
                System.out.printf("     handed straight to the spinning slot: %,d of %,d jobs (%,d written by submit(),"
                                + " %,d answers read by the caller's thread)%n", pool.counters().handedOver.sum(), 20_000 + n,
                        pool.counters().sentBySubmit.sum(), pool.counters().readByCaller.sum());
                for (WorkerSlot slot : pool.slots()) {
                    if (slot.worker().channel() instanceof ShmChannel shm) {
                        System.out.println("     doorbell sleeps: parent " + shm.inboundCounters().sleeps()
                                + ", worker " + shm.outboundCounters().sleeps());
                    }
                }
                System.out.printf("     pool view (all jobs, us): queueWait p50=%.0f p90=%.0f  runTime p50=%.0f p90=%.0f  endToEnd p50=%.0f%n",
                        after.queueWait().p50(), after.queueWait().p90(), after.runTime().p50(), after.runTime().p90(), after.endToEnd().p50());
            }
        }
    }
}
