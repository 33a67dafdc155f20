package dev.offload.service;

import dev.offload.cluster.ClusterPool;
import dev.offload.config.PoolConfig;
import dev.offload.netty.NettyAnswerLoop;
import dev.offload.pool.AnswerLoop;
import dev.offload.service.async.AsyncJobs;
import dev.offload.service.async.AsyncSettings;
import dev.offload.service.async.JournalUnusableException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP front door of a worker pool, on Netty: {@code --io-threads} event loops that never wait
 * for a worker ({@link EventLoops}), and the {@link SideThread} for what may wait. The pool is a
 * {@link ClusterPool}: this host's workers, and those of the other hosts when {@code cluster.members}
 * is set (with it empty, no cluster member starts). Owns the pool, the loops, the listening socket
 * and the side thread; {@link #close} releases all four. Started and closed by one thread.
 */
final class OffloadServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadServer.class);
    /** How long {@link #close()} waits for owed answers, then for the pool to finish. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    /** After the answers owed: how long connections get to take their last answer and close. */
    private static final Duration CLOSE_CONNECTIONS = Duration.ofMillis(ReadDeadline.LINGER_MS + 1_000);

    private final PoolConfig config;
    private final HandlerCatalog catalog;
    private final EventLoops loops;
    private final SideThread side;
    private final Channel listener;
    private final Connections connections;
    private final ClusterPool pool;
    private final AsyncJobs async;
    private final ServiceMetrics metrics;
    /** This host's pool reads its answers on the first event loop (one wake-up per answer). */
    private AnswerLoop.Attachment reading;
    private EventLoop answerLoop;
    /** What the connections call; set once, in {@link #start}. */
    private Endpoints endpoints;
    private WarmUp warmUp;
    private final Gate jobs = new Gate();
    private final CompletableFuture<Void> refusing = new CompletableFuture<>();
    private boolean closed;

    private OffloadServer(PoolConfig config, HandlerCatalog catalog, EventLoops loops, SideThread side, Channel listener,
                          Connections connections, ClusterPool pool, AsyncJobs async, ServiceMetrics metrics) {
        this.config = config;
        this.catalog = catalog;
        this.loops = loops;
        this.side = side;
        this.listener = listener;
        this.connections = connections;
        this.pool = pool;
        this.async = async;
        this.metrics = metrics;
    }

    /** {@link #start(PoolConfig, String, int, HttpLimits)} with {@link HttpLimits#defaults()}. */
    static OffloadServer start(PoolConfig config, String host, int port) throws IOException {
        return start(config, host, port, HttpLimits.defaults());
    }

    /**
     * Checks the handlers, binds the port, recovers the asynchronous jobs from the journal, starts
     * the pool (and joins the cluster, if one is configured) and begins serving, in that order, so
     * that a bad handler, a busy port or an unusable journal fails before any worker is forked.
     *
     * @param port 0 for any free port ({@link #port()} tells which)
     * @throws InvalidHandlerException  when a configured handler cannot be served
     * @throws IOException              when the address cannot be bound ({@link BindException})
     * @throws JournalUnusableException when {@code journal.dir} cannot be used
     * @throws dev.offload.pool.OffloadException when the pool cannot start; nothing is left running
     */
    static OffloadServer start(PoolConfig config, String host, int port, HttpLimits limits) throws IOException {
        HandlerCatalog catalog = HandlerCatalog.load(config.handlers(), OffloadServer.class.getClassLoader());
        EventLoops loops = new EventLoops(limits.ioThreads());
        SideThread side = new SideThread();
        Connections connections = new Connections(limits);
        Channel listener = null;
        AsyncJobs async = null;
        ServiceMetrics metrics = null;
        ClusterPool pool = null;
        try {
            listener = bind(loops, connections, host, port);
            JobFailures failures = new JobFailures(side);
            async = AsyncJobs.start(AsyncSettings.of(config), (name, failure) -> failures.json(catalog.get(name), failure));
            ClusterPool joined = ClusterPool.join(config);
            pool = joined;
            boolean clustered = !config.clusterMembers().isEmpty();
            async.runOn(joined::submitJson, () -> clustered ? joined.stats().members().size() : 1);
            metrics = new ServiceMetrics(joined, clustered);
            OffloadServer server = new OffloadServer(config, catalog, loops, side, listener, connections, joined, async, metrics);
            // The workers ring the first loop directly: a job's answer wakes that loop, not a pool
            // thread that would then wake the loop (jobs of other loops hop on from there).
            server.answerLoop = loops.group().next();
            server.reading = joined.localPool().readAnswersOn(NettyAnswerLoop.of(server.answerLoop));
            server.endpoints = new Endpoints(new Routes(catalog), joined, clustered, server.jobs, side, config.maxFrameBytes(),
                    failures, new AsyncEndpoints(async, server.jobs, catalog, config.journalResultTtl()), metrics);
            connections.serve(server.endpoints);
            renderOneError();
            listener.config().setAutoRead(true); // accepting starts now
            return server;
        } catch (IOException | RuntimeException | Error e) {
            if (listener != null) {
                listener.close().awaitUninterruptibly();
            }
            if (async != null) {
                async.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            if (pool != null) {
                pool.close();
            }
            loops.close();
            side.close();
            throw e;
        }
    }

    /**
     * Writes one error answer, thrown away, before the first client comes: the service's JSON
     * writer (Jackson's mapper) and the error path load their classes here, 0.5-0.6 s on a cold
     * JVM, rather than on the event loop during the first answer that is not a job's result.
     */
    private static void renderOneError() {
        HttpError error = HttpError.stopping();
        HttpAnswer.encode(UnpooledByteBufAllocator.DEFAULT, error.status(), HttpAnswer.JSON, Json.bytes(error.body()),
                error.headers(), false, false, false).release();
    }

    /** Binds without accepting: connections wait in the backlog until the pool is up. */
    private static Channel bind(EventLoops loops, Connections connections, String host, int port) throws IOException {
        ChannelFuture bound = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(connections)
                .bind(host, port)
                .awaitUninterruptibly();
        if (bound.isSuccess()) {
            return bound.channel();
        }
        Throwable cause = bound.cause();
        if (cause instanceof BindException e) {
            throw e;
        }
        // The epoll transport reports a busy port as its own IOException: it is still a failed bind.
        BindException e = new BindException(cause.getMessage());
        e.initCause(cause);
        throw e;
    }

    /** The port really bound (useful after asking for port 0). */
    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** {@code http://host:port}. */
    String url() {
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        String host = address.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The one line {@code offload serve} prints once it serves. */
    String banner() {
        String transport = pool.stats().local().transport();
        String cluster = config.clusterMembers().isEmpty() ? ""
                : "; cluster '" + config.clusterName() + "' as " + config.clusterBind();
        return "offload serving on " + url() + " (workers " + config.minWorkers() + ".." + config.maxWorkers()
                + " over " + transport + cluster + "; handlers: "
                + (catalog.names().isEmpty() ? "none" : String.join(", ", catalog.names())) + ")";
    }

    /**
     * Starts a {@link WarmUp} of {@code length} once the workers are on shared memory; until it
     * ends {@code /health} answers 503 {@code "warming-up"}. Returns at once; the future completes
     * when the warm-up ends (or {@link #close} cut it short). Once per server.
     */
    CompletableFuture<Void> warmUp(Duration length) {
        if (warmUp != null) {
            throw new IllegalStateException("the server warms up once");
        }
        endpoints.warming(true);
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        InetSocketAddress target = bound.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()) : bound;
        boolean wantsShm = !"pipe".equals(config.transport());
        warmUp = WarmUp.start(pool.localPool(), answerLoop, target, config.warmup(), length, wantsShm,
                config.startTimeout());
        return warmUp.done().whenComplete((done, failure) -> endpoints.warming(false));
    }

    /** "epoll" or "nio": the event-loop transport in use. */
    String ioTransport() {
        return loops.kind();
    }

    ClusterPool pool() {
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
     * cancels what is left, closes the listener and each connection once its answers are written,
     * and shuts the pool down within what is left of the grace before killing its workers.
     * Asynchronous jobs still queued stay in the journal, as do those the pool could not finish in
     * time (they count as not begun): they run after the next start. Idempotent; call from one thread.
     */
    void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        if (warmUp != null) {
            warmUp.close();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            jobs.close();
            async.stopAccepting();
            refusing.complete(null);
            if (!jobs.awaitEmpty(grace)) {
                LOG.warn("{} job(s) still running after {} ms; cancelling them", jobs.size(), grace.toMillis());
                connections.forEach(HttpConnection::cancelJobs);
                jobs.awaitEmpty(Duration.ofSeconds(5));
            }
            listener.close().awaitUninterruptibly();
            if (!connections.closeAll(CLOSE_CONNECTIONS)) {
                LOG.debug("some connections did not close in time; the event loops close them");
            }
            long left = Math.max(1_000_000_000L, deadline - System.nanoTime());
            pool.shutdown().get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("the pool did not finish within the grace; stopping its workers");
        } catch (Exception e) {
            LOG.warn("stopping the server: {}", e.toString());
        } finally {
            listener.close().awaitUninterruptibly();
            async.close(); // before the pool kills what is left, so that those kills are not journaled as failures
            if (reading != null) {
                reading.close(); // the pool's own thread reads what is left
            }
            loops.close();
            side.close();
            metrics.close();
            pool.close();
        }
    }
}
