package dev.offload.bench;

import dev.offload.config.PoolConfig;
import dev.offload.pool.PoolStats;
import dev.offload.pool.WorkerPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Starting and stopping the pools the benchmarks measure, and checking that a stopped pool left
 * nothing behind: no worker process and no shm directory. A leak fails the benchmark's tear-down,
 * so a smoke run shows it.
 */
final class BenchPools {
    private static final long EXIT_WAIT_MS = 5_000;

    private BenchPools() {
    }

    /**
     * A config with a fixed number of workers, 128m heap each, and the given transport and
     * completion. It starts from the benchmark JVM's {@code -Doffload.*} properties and
     * {@code OFFLOAD_*} variables, so a setting the benchmark does not fix can be varied from the
     * command line, e.g. {@code -jvmArgs -Doffload.transport.shm.spin=50us} or a JFR recording in
     * every worker with {@code -jvmArgs -Doffload.workers.jvmArgs=-XX:StartFlightRecording:filename=/tmp/jfr/}.
     */
    static PoolConfig config(String transport, int workers, String completion, int queueCapacity) {
        return PoolConfig.fromEnvironment().toBuilder()
                .transport(transport)
                .minWorkers(workers)
                .maxWorkers(workers)
                .completion(completion)
                .queueCapacity(queueCapacity)
                .workerHeap("128m")
                .build();
    }

    /**
     * Starts the pool and checks that it really runs over {@code transport} (no fallback), once the
     * pipe stand-ins a JVM's first shm pool starts with have been replaced.
     */
    static WorkerPool start(PoolConfig config) {
        WorkerPool pool = WorkerPool.start(config);
        await(() -> pool.stats().transport().equals(config.transport()));
        String actual = pool.stats().transport();
        if (!actual.equals(config.transport())) {
            close(pool);
            throw new IllegalStateException("asked for transport " + config.transport() + " but the pool runs over " + actual);
        }
        return pool;
    }

    /**
     * Closes the pool, then waits for every child process of this JVM to exit and for this JVM's
     * shm directories to disappear.
     *
     * @throws IllegalStateException naming what outlived the pool (left-over workers are killed first)
     */
    static void close(WorkerPool pool) {
        if (pool == null) {
            return;
        }
        pool.close();
        List<String> leaks = new ArrayList<>();
        if (!await(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive))) {
            ProcessHandle.current().children().filter(ProcessHandle::isAlive).forEach(child -> {
                leaks.add("worker process " + child.pid());
                child.destroyForcibly();
            });
        }
        if (!await(() -> ownShmDirectories().isEmpty())) {
            ownShmDirectories().forEach(dir -> leaks.add("shm directory " + dir));
        }
        if (!leaks.isEmpty()) {
            throw new IllegalStateException("the pool outlived its close(): " + String.join(", ", leaks));
        }
    }

    /** Polls until {@code done} or {@link #EXIT_WAIT_MS}; set-up and tear-down only, never timed. */
    static boolean await(BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_WAIT_MS);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * The pool's own view of where a job's time went, for the log of a run: queue wait (submit →
     * a slot thread takes the job: the hand-off to the slot thread), run time (taken → result back
     * from the worker: transport both ways and the worker's wake-up), end to end (submit → result,
     * before the future completes). JMH's figure minus end to end is the completion and the
     * caller's wake-up. Covers every job since the pool started, warm-up included.
     */
    /** Prints the pool's own latency breakdown after the trial, then {@link #close}s it. */
    static void reportAndClose(WorkerPool pool) {
        if (pool != null) {
            System.out.println(System.lineSeparator() + breakdown(pool));
        }
        close(pool);
    }

    static String breakdown(WorkerPool pool) {
        PoolStats s = pool.stats();
        return String.format(Locale.ROOT, "[offload] %s, %d jobs: queueWait %s | runTime %s | endToEnd %s (µs)",
                s.transport(), s.completed(), percentiles(s.queueWait()), percentiles(s.runTime()), percentiles(s.endToEnd()));
    }

    private static String percentiles(PoolStats.Latency l) {
        return String.format(Locale.ROOT, "p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f", l.p50(), l.p90(), l.p99(), l.p999());
    }

    /** Random bytes, seeded, so every run sends the same payload. */
    static byte[] payload(int bytes) {
        byte[] payload = new byte[bytes];
        new Random(bytes).nextBytes(payload);
        return payload;
    }

    /** The pools' private directories of this JVM: {@code offload-<our pid>-<random>} in {@code transport.shm.dir}. */
    private static List<Path> ownShmDirectories() {
        Path base = PoolConfig.fromEnvironment().shmDir();
        List<Path> own = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return own;
        }
        String prefix = "offload-" + ProcessHandle.current().pid() + "-";
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, prefix + "*")) {
            dirs.forEach(own::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + base, e);
        }
        return own;
    }
}
