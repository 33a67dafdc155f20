package dev.offload.examples;

import dev.offload.config.PoolConfig;
import dev.offload.examples.handlers.CountPrimes;
import dev.offload.pool.PoolStats;
import dev.offload.pool.WorkerPool;

/**
 * The smallest application: a plain {@code main} that starts a pool over shared memory, runs one
 * job and prints the answer and the transport really used. Its JVM needs no flag but those of
 * {@code offload jvm-flags}:
 *
 * <pre>{@code
 * bin/offload jvm-flags > offload.args
 * java @offload.args -cp examples/target/examples-<version>.jar:$(cat examples/target/classpath.txt) \
 *     dev.offload.examples.PlainMain
 * }</pre>
 *
 * Without those flags the pool cannot use shared memory, and {@code transport: shm} fails at start
 * with the missing flags named.
 */
public final class PlainMain {
    private PlainMain() {
    }

    public static void main(String[] args) {
        int below = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        PoolConfig config = PoolConfig.builder().transport("shm").minWorkers(1).maxWorkers(1).build();
        try (WorkerPool pool = WorkerPool.start(config)) {
            int primes = pool.submit(CountPrimes.class, below).join();
            PoolStats stats = pool.stats();
            System.out.println("primes below " + below + ": " + primes);
            System.out.println("transport=" + stats.transport() + " workers=" + stats.workers()
                    + " completed=" + stats.completed() + " failed=" + stats.failed());
        }
    }
}
