package dev.offload.examples.bench;

import dev.offload.examples.handlers.Spin;
import dev.offload.pool.JobOptions;
import dev.offload.pool.WorkerPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;

/**
 * A Vert.x HTTP server that answers {@code GET /ping} on its event loop and, from the same loop,
 * keeps the pool busy with CPU-bound {@link Spin} jobs: {@code inFlight} of them always submitted,
 * each completion (on the loop) submitting the next. With no pool it only answers pings.
 */
final class PingServer extends VerticleBase {
    private final WorkerPool pool;
    private final int spinMillis;
    private final int inFlight;
    // The fields below are touched only on this verticle's event loop.
    private HttpServer server;
    private boolean stopping;
    private Throwable failure;

    PingServer(WorkerPool pool, int spinMillis, int inFlight) {
        this.pool = pool;
        this.spinMillis = spinMillis;
        this.inFlight = inFlight;
    }

    @Override
    public Future<?> start() {
        if (pool != null) {
            JobOptions onLoop = JobOptions.defaults().withExecutor(task -> context.runOnContext(v -> task.run()));
            for (int i = 0; i < inFlight; i++) {
                spin(onLoop);
            }
        }
        return vertx.createHttpServer()
                .requestHandler(request -> request.response().end("pong"))
                .listen(0, "127.0.0.1")
                .onSuccess(listening -> server = listening);
    }

    private void spin(JobOptions onLoop) {
        pool.submit(Spin.class, spinMillis, onLoop).whenComplete((loops, error) -> {
            if (stopping) {
                return;
            }
            if (error != null) {
                failure = error; // reported by stop(): the figure would be measured without load
                return;
            }
            spin(onLoop);
        });
    }

    /** The port the server listens on; valid once deployed. */
    int port() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        Future<Void> closed = server.close();
        return failure == null ? closed : closed.compose(v -> Future.failedFuture(failure));
    }
}
