package dev.offload.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.offload.pool.WorkerPool;

/** {@code GET /stats}: the pool's {@link dev.offload.pool.PoolStats} as JSON, latencies in microseconds. */
final class StatsHandler implements HttpHandler {
    static final String PATH = "/stats";

    private final WorkerPool pool;

    StatsHandler(WorkerPool pool) {
        this.pool = pool;
    }

    @Override
    public void handle(HttpExchange exchange) {
        if (!Responses.isGetOf(exchange, PATH)) {
            return;
        }
        Responses.json(exchange, 200, pool.stats());
    }
}
