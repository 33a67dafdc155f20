package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import dev.offload.config.PoolConfigBuilder;
import dev.offload.pool.WorkerPool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool configs the benchmarks use: the defaults a new user gets, with the transport named so
 * that "shm" is really shm ({@code transport: shm} fails instead of falling back to pipes).
 * {@code -Doffload.*} and {@code OFFLOAD_*} still apply, for experiments; every value that is not
 * the default is printed, so a figure never hides a setting.
 */
final class BenchConfig {
    private BenchConfig() {
    }

    static PoolConfigBuilder builder(String transport) {
        return PoolConfig.fromEnvironment().toBuilder().transport(transport);
    }

    static PoolConfig defaults(String transport) {
        return builder(transport).build();
    }

    /**
     * {@link WorkerPool#start}, then waits until every worker serves over the transport asked for:
     * a JVM's first shm pool starts on pipe stand-ins and moves to shm in the background, and a
     * figure labelled shm must measure shm.
     */
    static WorkerPool start(PoolConfig config) {
        WorkerPool pool = WorkerPool.start(config);
        if (!config.transport().equals("auto")) {
            awaitTransport(pool, config.transport(), System.nanoTime());
        }
        return pool;
    }

    /** Waits (polling every millisecond) until the pool's stats say {@code transport}; microseconds since {@code since}. */
    static long awaitTransport(WorkerPool pool, String transport, long since) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!pool.stats().transport().equals(transport)) {
            if (System.nanoTime() - deadline > 0) {
                pool.close();
                throw new IllegalStateException("the pool was not on " + transport + " within 30 s: " + pool.stats());
            }
            LockSupport.parkNanos(1_000_000L); // a bench's poll, not synchronisation
        }
        return (System.nanoTime() - since) / 1_000;
    }

    /** The keys whose values differ from {@link PoolConfig#defaults()}, as {@code key=value}. */
    static String differences(PoolConfig config) {
        Map<String, Object> defaults = flatten(PoolConfig.defaults().toMap(), "");
        List<String> changed = new ArrayList<>();
        flatten(config.toMap(), "").forEach((key, value) -> {
            if (!value.equals(defaults.get(key))) {
                changed.add(key + "=" + value);
            }
        });
        return changed.isEmpty() ? "defaults" : "defaults except " + String.join(", ", changed);
    }

    private static Map<String, Object> flatten(Map<String, Object> map, String prefix) {
        Map<String, Object> flat = new java.util.LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested && !nested.isEmpty() && !key.equals("handlers") && !key.equals("env")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> section = (Map<String, Object>) nested;
                flat.putAll(flatten(section, prefix + key + "."));
            } else {
                flat.put(prefix + key, String.valueOf(value));
            }
        });
        return flat;
    }
}
