package dev.offload.service;

import com.sun.net.httpserver.HttpServer;
import dev.offload.config.PoolConfig;
import dev.offload.pool.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP front door of a worker pool: one event-loop thread ({@code offload-http}) that never
 * waits for a worker. Owns the pool, the server and the thread; {@link #close} releases all three.
 */
final class OffloadServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadServer.class);
    /** How long {@link #close()} waits for owed answers, then for the pool to finish. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    private final PoolConfig config;
    private final HandlerCatalog catalog;
    private final HttpServer http;
    private final ExecutorService eventLoop;
    private final WorkerPool pool;
    private final JobsHttpHandler jobs;
    private final InFlight inFlight = new InFlight();
    private final CompletableFuture<Void> refusing = new CompletableFuture<>();
    private boolean closed;
    private boolean httpStopped;

    private OffloadServer(PoolConfig config, HandlerCatalog catalog, HttpServer http, ExecutorService eventLoop,
                          WorkerPool pool) {
        this.config = config;
        this.catalog = catalog;
        this.http = http;
        this.eventLoop = eventLoop;
        this.pool = pool;
        this.jobs = new JobsHttpHandler(catalog, pool, config.maxFrameBytes(), inFlight);
        http.createContext(JobsHttpHandler.PREFIX, jobs);
        http.createContext(HealthHandler.PATH, new HealthHandler(pool));
        http.createContext(StatsHandler.PATH, new StatsHandler(pool));
        http.createContext("/", exchange -> Responses.error(exchange,
                HttpError.notFound("nothing at " + exchange.getRequestURI().getPath()
                        + "; try POST /jobs/{name}, GET /health or GET /stats")));
        http.setExecutor(eventLoop);
    }

    /**
     * Checks the handlers, binds the port, starts the pool and begins serving, in that order, so
     * that a bad handler or a busy port fails before any worker is forked.
     *
     * @param port 0 for any free port ({@link #port()} tells which)
     * @throws InvalidHandlerException when a configured handler cannot be served
     * @throws IOException             when the address cannot be bound
     * @throws dev.offload.pool.OffloadException when the pool cannot start; nothing is left running
     */
    static OffloadServer start(PoolConfig config, String host, int port) throws IOException {
        disableNagle();
        HandlerCatalog catalog = HandlerCatalog.load(config.handlers(), OffloadServer.class.getClassLoader());
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService eventLoop = Executors.newSingleThreadExecutor(r -> new Thread(r, "offload-http"));
        WorkerPool pool;
        try {
            pool = WorkerPool.start(config);
        } catch (RuntimeException e) {
            http.stop(0);
            eventLoop.shutdownNow();
            throw e;
        }
        OffloadServer server = new OffloadServer(config, catalog, http, eventLoop, pool);
        http.start();
        return server;
    }

    /** The port really bound (useful after asking for port 0). */
    int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://host:port}. */
    String url() {
        InetSocketAddress address = http.getAddress();
        String host = address.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The one line {@code offload serve} prints once it serves. */
    String banner() {
        String transport = pool.stats().transport();
        return "offload serving on " + url() + " (workers " + config.minWorkers() + ".." + config.maxWorkers()
                + " over " + transport + "; handlers: "
                + (catalog.names().isEmpty() ? "none" : String.join(", ", catalog.names())) + ")";
    }

    WorkerPool pool() {
        return pool;
    }

    /** Completes once {@link #close} has stopped accepting jobs (and is waiting for those in flight). */
    CompletableFuture<Void> refusingJobs() {
        return refusing;
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_GRACE}. */
    @Override
    public void close() {
        close(DEFAULT_GRACE);
    }

    /**
     * Stops accepting jobs (new ones get 503), waits up to {@code grace} for the answers owed, then
     * cancels what is left, closes the listener and connections, and shuts the pool down within
     * what is left of the grace before killing its workers. Idempotent; call from one thread.
     */
    void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            eventLoop.submit(jobs::stopAccepting).get(5, TimeUnit.SECONDS);
            refusing.complete(null);
            if (!inFlight.awaitEmpty(grace)) {
                LOG.warn("{} job(s) still running after {} ms; cancelling them", inFlight.size(), grace.toMillis());
                inFlight.cancelAll();
            }
            // Before JDK 21 stop(n) waits the full n seconds even with nothing in flight
            // (JDK-8304065); the answers are already written, so no delay is needed.
            stopHttp();
            long left = Math.max(1_000_000_000L, deadline - System.nanoTime());
            pool.shutdown().get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("the pool did not finish within the grace; stopping its workers");
        } catch (Exception e) {
            LOG.warn("stopping the server: {}", e.toString());
        } finally {
            stopHttp();
            pool.close();
            eventLoop.shutdownNow();
        }
    }

    /**
     * The JDK server writes the headers and the body of an answer separately; with Nagle's
     * algorithm on, the body then waits for the client's delayed ACK, about 40 ms on Linux, on
     * every answer. The server reads this property once, when the first server is made.
     */
    private static void disableNagle() {
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    private void stopHttp() {
        if (!httpStopped) {
            httpStopped = true;
            http.stop(0);
        }
    }
}
