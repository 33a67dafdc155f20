package dev.offload.service;

import dev.offload.pool.PoolStats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The {@code /health} answer: 200 {@code "ok"}, or 503 {@code "crash-loop"} while workers cannot be
 * started, or 503 {@code "warming-up"} while {@code offload serve --warmup} runs ({@link WarmUp}); of this host's pool, whatever the other hosts of a cluster do. Reading it (the pool's
 * {@code stats()}) is for the side thread, and a poll that waits for
 * that thread waits for the scheduler too; so the last answer is kept, and a poll that finds it at
 * most {@value #MAX_AGE_MS} ms old is answered on its event loop at once (from
 * {@value #REFRESH_AGE_MS} ms on, a newer one is read meanwhile). A poll after a quiet spell waits
 * for a fresh read. Polled on the event loops, read on the side thread; the kept answer is one
 * immutable value behind a volatile reference.
 */
final class PoolHealth {
    static final long MAX_AGE_MS = 20;
    static final long REFRESH_AGE_MS = 5;

    private record Answer(long readAt, int status, byte[] json) {
    }

    private final Supplier<PoolStats> pool;
    private final Executor side;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Answer kept;
    private volatile boolean warming;

    /** @param pool reads this host's pool stats; called on {@code side} only */
    PoolHealth(Supplier<PoolStats> pool, Executor side) {
        this.pool = pool;
        this.side = side;
    }

    /** On an event loop: gives {@code reply} the health, at once or, after a fresh read, on {@code loop}. */
    void answer(Executor loop, Endpoints.StatsReply reply) {
        Answer answer = recent();
        if (answer != null) {
            reply.answer(answer.status(), answer.json());
            return;
        }
        side.execute(() -> {
            Answer fresh = store(pool.get());
            try {
                loop.execute(() -> reply.answer(fresh.status(), fresh.json()));
            } catch (RejectedExecutionException stopping) {
                // the loop is shutting down and its connections with it
            }
        });
    }

    /** From any thread: whether a warm-up runs; the next poll reads the pool afresh. */
    void warming(boolean warming) {
        this.warming = warming;
        kept = null;
    }

    /** On the side thread: keeps the health that {@code stats} says (read for {@code /stats}). */
    void keep(PoolStats stats) {
        store(stats);
    }

    private Answer store(PoolStats stats) {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean warm = warming;
        body.put("status", stats.crashLoop() ? "crash-loop" : warm ? "warming-up" : "ok");
        body.put("workers", stats.workers());
        body.put("busy", stats.busy());
        body.put("queued", stats.queued());
        body.put("transport", stats.transport());
        Answer answer = new Answer(System.nanoTime(), stats.crashLoop() || warm ? 503 : 200, Json.bytes(body));
        kept = answer;
        if (warm != warming) {
            kept = null; // the warm-up ended while this was read: the next poll reads afresh
        }
        return answer;
    }

    private Answer recent() {
        Answer answer = kept;
        if (answer == null) {
            return null;
        }
        long ageMs = (System.nanoTime() - answer.readAt()) / 1_000_000;
        if (ageMs > MAX_AGE_MS) {
            return null;
        }
        if (ageMs >= REFRESH_AGE_MS && refreshing.compareAndSet(false, true)) {
            try {
                side.execute(() -> {
                    try {
                        store(pool.get());
                    } finally {
                        refreshing.set(false);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                refreshing.set(false);
            }
        }
        return answer;
    }
}
