package dev.offload.examples;

import dev.offload.config.PoolConfig;
import dev.offload.examples.handlers.CountPrimes;
import dev.offload.netty.NettyAnswerLoop;
import dev.offload.pool.AnswerLoop;
import dev.offload.pool.JobOptions;
import dev.offload.pool.JobTimeoutException;
import dev.offload.pool.WorkerPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;

/**
 * A Vert.x verticle that answers {@code GET /primes?below=N} by counting primes in a worker JVM.
 * The event loop never runs the count: it submits the job and goes on serving other requests, and
 * the pool completes the job's future back on this verticle's event loop, where the answer is
 * written. The loop also reads the pool's answers itself ({@code readAnswersOn}): a worker's answer
 * wakes this loop directly, with no pool thread in between. Run {@link #main} and try {@code curl 'http://localhost:8080/primes?below=2000000'}.
 */
public final class VertxExample extends VerticleBase {
    private final WorkerPool pool;
    private final int port;
    private HttpServer server;
    private AnswerLoop.Attachment reading;

    public VertxExample(WorkerPool pool, int port) {
        this.pool = pool;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        JobOptions onThisLoop = JobOptions.defaults()
                .withTimeout(Duration.ofSeconds(10))
                .withExecutor(task -> context.runOnContext(v -> task.run()));
        // Vert.x 5 runs this context on a Netty IoEventLoop: let it hear the workers itself.
        reading = pool.readAnswersOn(NettyAnswerLoop.of(((ContextInternal) context).nettyEventLoop()));
        return vertx.createHttpServer()
                .requestHandler(request -> countPrimes(request, onThisLoop))
                .listen(port)
                .onSuccess(listening -> server = listening);
    }

    private void countPrimes(HttpServerRequest request, JobOptions onThisLoop) {
        int below;
        try {
            below = Integer.parseInt(request.getParam("below", "100000"));
        } catch (NumberFormatException e) {
            request.response().setStatusCode(400).end("below must be an integer\n");
            return;
        }
        pool.submit(CountPrimes.class, below, onThisLoop).whenComplete((primes, failure) -> {
            // Back on this verticle's event loop, as for any other Vert.x callback.
            if (failure == null) {
                request.response().putHeader("content-type", "application/json")
                        .end("{\"below\":" + below + ",\"primes\":" + primes + "}\n");
            } else {
                request.response().setStatusCode(failure instanceof JobTimeoutException ? 504 : 500)
                        .end(failure.getMessage() + "\n");
            }
        });
    }

    @Override
    public Future<?> stop() {
        reading.close(); // the pool's own thread reads again
        return Future.succeededFuture();
    }

    /** The port the server listens on, once deployed (useful when it was given 0). */
    public int port() {
        return server.actualPort();
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        WorkerPool pool = WorkerPool.start(PoolConfig.defaults());
        Vertx vertx = Vertx.vertx();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            vertx.close().await();
            pool.close();
        }, "offload-example-shutdown"));
        vertx.deployVerticle(new VertxExample(pool, port)).await();
        System.out.println("listening: curl 'http://localhost:" + port + "/primes?below=2000000'");
    }
}
