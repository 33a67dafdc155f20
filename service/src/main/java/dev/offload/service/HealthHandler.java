package dev.offload.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.offload.pool.PoolStats;
import dev.offload.pool.WorkerPool;

import java.util.LinkedHashMap;

/**
 * {@code GET /health}: answers at once from the pool's counters, whatever the workers are doing.
 * 200 with {@code "status": "ok"}; 503 with {@code "crash-loop"} while workers cannot be started,
 * so that a load balancer stops sending jobs.
 */
final class HealthHandler implements HttpHandler {
    static final String PATH = "/health";

    private final WorkerPool pool;

    HealthHandler(WorkerPool pool) {
        this.pool = pool;
    }

    @Override
    public void handle(HttpExchange exchange) {
        if (!Responses.isGetOf(exchange, PATH)) {
            return;
        }
        PoolStats s = pool.stats();
        var body = new LinkedHashMap<String, Object>();
        body.put("status", s.crashLoop() ? "crash-loop" : "ok");
        body.put("workers", s.workers());
        body.put("busy", s.busy());
        body.put("queued", s.queued());
        body.put("transport", s.transport());
        Responses.json(exchange, s.crashLoop() ? 503 : 200, body);
    }
}
