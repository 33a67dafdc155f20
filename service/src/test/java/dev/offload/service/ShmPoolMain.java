package dev.offload.service;

import dev.offload.config.PoolConfig;
import dev.offload.pool.PoolStats;
import dev.offload.pool.WorkerPool;
import dev.offload.service.demo.Fibonacci;

/**
 * An application's plain main, for {@link JvmFlagsIT}: run with only the flags {@code offload
 * jvm-flags} printed, it starts a pool that must use shared memory, runs one job and prints the
 * answer and the pool's transport.
 */
public final class ShmPoolMain {
    private ShmPoolMain() {
    }

    public static void main(String[] args) {
        PoolConfig config = PoolConfig.builder().transport("shm").shmStartOverPipe("never") // Chronicle in this JVM, at once
                .minWorkers(1).maxWorkers(1).workerCds(false).build();
        try (WorkerPool pool = WorkerPool.start(config)) {
            Fibonacci.Result result = pool.submit(Fibonacci.class, new Fibonacci.Input(40)).join();
            PoolStats stats = pool.stats();
            System.out.println("fib(" + result.n() + ") = " + result.value());
            System.out.println("transport=" + stats.transport() + " completed=" + stats.completed());
        }
    }
}
