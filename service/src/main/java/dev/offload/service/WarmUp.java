package dev.offload.service;

import dev.offload.pool.JobOptions;
import dev.offload.pool.WorkerPool;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code offload serve --warmup}: traffic of the service's own, so that the JIT of three JVMs (the
 * service's and two workers') is done before the first client's requests rather than on them. On
 * this project's 2-core machine a fresh service served 250-2,500 requests a second in its first
 * three seconds, and its first 8 s of {@code fib 15} had a p99 of 100-900 ms; see BENCHMARKS.md.
 *
 * <p>It waits for the workers to be on shared memory (the pipe stand-ins a pool starts with are
 * replaced within a few seconds), then for {@code length} sends requests through the front door
 * over loopback, from keep-alive connections that each have one request out at a time:
 * <ul>
 *   <li>with samples in the config ({@code warmup.<name>}: a handler that may run on made-up
 *       input), {@code POST /jobs/<name>} with each sample in turn, from {@value #CONNECTIONS}
 *       connections as {@code wrk -c16} does: the clients' own path, their handlers' decoding
 *       included;</li>
 *   <li>without, {@code GET /health} and a {@code POST} to a name no handler can have (answered
 *       404) from {@value #NO_SAMPLE_CONNECTIONS} connections, a request a millisecond each at
 *       most, while the event loop keeps {@value #CONNECTIONS} no-op jobs in flight
 *       ({@link #HANDLER}, which every worker has: it answers its input). No user handler runs.
 *       The requests are few and paced: sent as fast as they are answered, requests that need no
 *       worker keep both cores of a small machine busy, and the workers (nice 10) hardly run.</li>
 * </ul>
 * Meanwhile {@code /health} answers 503 {@code "warming-up"}, and clients are served as usual. The
 * warm-up's jobs count in {@code /stats} and {@code /metrics} like any others.
 */
final class WarmUp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    /** The no-op handler every worker can run (it trains the workers' AppCDS archive too). */
    static final String HANDLER = "dev.offload.worker.internal.TrainingJob";
    /** Loopback connections sending requests to the front door, and no-op jobs kept in flight without samples. */
    static final int CONNECTIONS = 16;
    /** Loopback connections without samples: {@code /health} and a 404, beside the no-op jobs. */
    static final int NO_SAMPLE_CONNECTIONS = 2;
    /** A job route no handler can have ({@code ~} is not allowed in a handler's name). */
    static final String NO_HANDLER = "/jobs/warm-up~";
    private static final byte[] INPUT = "{\"warm-up\":true}".getBytes(StandardCharsets.US_ASCII);
    private static final long POLL_MILLIS = 50;
    /**
     * Without samples, a connection sends at most one request a millisecond: requests that need no
     * worker, sent as fast as they are answered, keep both cores of a small machine busy, and the
     * workers (nice 10) would hardly run their no-op jobs.
     */
    private static final long PACE_MILLIS = 1;

    private final WorkerPool pool;
    private final EventLoop loop;
    private final InetSocketAddress address;
    private final Duration length;
    private final Duration maxWaitForShm;
    private final boolean wantsShm;
    private final JobOptions options;
    /** The requests sent in turn, whole. */
    private final byte[][] asks;
    /** What each of {@link #asks} is, for the log: {@code POST /jobs/fib}. */
    private final String[] askNames;
    private final boolean noOpJobs;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicLong jobs = new AtomicLong();
    /** This thread's: the requests answered. */
    private long requestsAnswered;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile boolean loadRunning;
    /** This thread's: an odd answer was logged already. */
    private boolean oddAnswerLogged;

    /**
     * @param wantsShm      the pool's transport is {@code shm} or {@code auto}: wait for shm workers first
     * @param maxWaitForShm how long to wait for them at most (a pool that fell back to pipes stays there)
     */
    private WarmUp(WorkerPool pool, EventLoop loop, InetSocketAddress address, Map<String, String> samples,
                   Duration length, boolean wantsShm, Duration maxWaitForShm) {
        this.pool = pool;
        this.loop = loop;
        this.address = address;
        this.length = length;
        this.wantsShm = wantsShm;
        this.maxWaitForShm = maxWaitForShm;
        this.options = JobOptions.defaults().withExecutor(loop);
        List<byte[]> requests = new ArrayList<>();
        List<String> names = new ArrayList<>();
        samples.forEach((name, json) -> {
            requests.add(post("/jobs/" + name, json.getBytes(StandardCharsets.UTF_8)));
            names.add("POST /jobs/" + name + " " + json);
        });
        this.noOpJobs = requests.isEmpty();
        if (noOpJobs) {
            requests.add(ask("GET /health HTTP/1.1\r\nHost: warm-up\r\n\r\n"));
            names.add("GET /health");
            requests.add(post(NO_HANDLER, INPUT));
            names.add("POST " + NO_HANDLER);
        }
        this.asks = requests.toArray(new byte[0][]);
        this.askNames = names.toArray(new String[0]);
        this.thread = new Thread(this::run, "offload-warm-up");
        this.thread.setDaemon(true);
    }

    /**
     * Starts the warm-up on its own thread; {@link #done()} completes when it ends, however it ends.
     *
     * @param samples handler name to sample input (JSON text), the config's {@code warmup}: what is sent
     */
    static WarmUp start(WorkerPool pool, EventLoop loop, InetSocketAddress address, Map<String, String> samples,
                        Duration length, boolean wantsShm, Duration maxWaitForShm) {
        WarmUp warmUp = new WarmUp(pool, loop, address, samples, length, wantsShm, maxWaitForShm);
        warmUp.thread.start();
        return warmUp;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    /** Ends the warm-up early (the server is stopping) and waits for its thread. Idempotent. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long start = System.nanoTime();
        try {
            awaitShm();
            long loadStart = System.nanoTime();
            loadRunning = true;
            if (noOpJobs) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    loop.execute(this::submitOne);
                }
            }
            sendRequests(loadStart + length.toNanos());
            loadRunning = false;
            if (!stopped) {
                LOG.info("warmed up in {} ms: {} requests{} in {} ms, after {} ms waiting for shm workers",
                        (System.nanoTime() - start) / 1_000_000, requestsAnswered,
                        noOpJobs ? " and " + jobs.get() + " no-op jobs (no warmup samples configured)" : "",
                        (System.nanoTime() - loadStart) / 1_000_000, (loadStart - start) / 1_000_000);
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            LOG.warn("the warm-up stopped early: {}", e.toString());
        } finally {
            loadRunning = false;
            done.complete(null);
        }
    }

    private void awaitShm() throws InterruptedException {
        if (!wantsShm) {
            return;
        }
        long deadline = System.nanoTime() + maxWaitForShm.toNanos();
        while (!stopped && !"shm".equals(pool.stats().transport())) {
            if (System.nanoTime() - deadline > 0) {
                LOG.info("warming up over {}: the workers are not on shared memory after {} ms",
                        pool.stats().transport(), maxWaitForShm.toMillis());
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** On the event loop: one no-op job, and the next once it is answered, while the warm-up lasts. */
    private void submitOne() {
        if (!loadRunning || stopped) {
            return;
        }
        pool.submitJson(HANDLER, INPUT, options).whenComplete((result, failure) -> {
            if (failure == null) {
                jobs.incrementAndGet();
                submitOne();
            } else if (loadRunning && !stopped) {
                LOG.debug("a warm-up job failed: {}", failure.toString());
                retryLater();
            }
        });
    }

    private void retryLater() {
        try {
            loop.schedule(this::submitOne, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the loop is shutting down
        }
    }

    /**
     * On this thread: keep-alive connections, each sending its next request as soon as the answer
     * to its last one is in, until {@code end}. Answers are checked only for their framing; a
     * sample's answer other than 2xx is logged once (a sample that does not fit its handler, say),
     * and the warm-up goes on.
     */
    private void sendRequests(long end) throws InterruptedException {
        try (Selector selector = Selector.open()) {
            List<Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < (noOpJobs ? NO_SAMPLE_CONNECTIONS : CONNECTIONS); i++) {
                    open.add(new Connection(selector, i));
                }
                long nextTick = System.nanoTime();
                while (!stopped && System.nanoTime() - end < 0) {
                    selector.select(noOpJobs ? PACE_MILLIS : POLL_MILLIS);
                    for (SelectionKey key : selector.selectedKeys()) {
                        ((Connection) key.attachment()).ready();
                    }
                    selector.selectedKeys().clear();
                    long now = System.nanoTime();
                    if (noOpJobs && now - nextTick >= 0) {
                        nextTick = now + TimeUnit.MILLISECONDS.toNanos(PACE_MILLIS);
                        for (Connection c : open) {
                            c.sendIfPaused();
                        }
                    }
                }
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
        } catch (IOException e) {
            if (!stopped) {
                LOG.info("the warm-up's requests stopped early: {}", e.toString());
                long left = end - System.nanoTime();
                if (left > 0 && noOpJobs) {
                    TimeUnit.NANOSECONDS.sleep(left); // the no-op jobs still warm the pool and the workers
                }
            }
        }
        if (Thread.interrupted() && !stopped) {
            throw new InterruptedException();
        }
    }

    /** One loopback connection of the warm-up: a request out, its answer read, the next request out. */
    private final class Connection {
        private final SocketChannel channel;
        private final SelectionKey key;
        private int next;
        /** Which of {@link #asks} is out. */
        private int sent;
        /** Without samples: answered, and waiting for the next tick to send again. */
        private boolean paused;
        private ByteBuffer out;
        private ByteBuffer in = ByteBuffer.allocate(4096);

        Connection(Selector selector, int first) throws IOException {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address); // blocking: loopback, and the listener accepts already
            channel.configureBlocking(false);
            next = first;
            key = channel.register(selector, SelectionKey.OP_WRITE, this);
            out = nextAsk();
        }

        private ByteBuffer nextAsk() {
            sent = next++ % asks.length;
            return ByteBuffer.wrap(asks[sent]);
        }

        void ready() throws IOException {
            if (key.isWritable()) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            } else if (key.isReadable()) {
                if (channel.read(in) < 0) {
                    throw new IOException("the front door closed a warm-up connection");
                }
                if (answered()) {
                    requestsAnswered++;
                    if (noOpJobs) {
                        paused = true; // the next request goes at the next tick (see sendIfPaused)
                        key.interestOps(0);
                    } else {
                        send();
                    }
                }
            }
        }

        /** Without samples: the next request, if this connection waits for its tick. */
        void sendIfPaused() throws IOException {
            if (paused) {
                paused = false;
                send();
            }
        }

        private void send() throws IOException {
            out = nextAsk();
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** True once {@code in} holds a whole answer, which is then dropped from it. */
        private boolean answered() throws IOException {
            byte[] bytes = in.array();
            int filled = in.position();
            int headEnd = -1;
            for (int i = 3; i < filled; i++) {
                if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                    headEnd = i + 1;
                    break;
                }
            }
            if (headEnd < 0) {
                if (!in.hasRemaining()) {
                    in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                }
                return false;
            }
            String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            if (filled < headEnd + length) {
                if (in.capacity() < headEnd + length) {
                    in = ByteBuffer.allocate(headEnd + length).put(in.flip());
                }
                return false;
            }
            noteStatus(head, askNames[sent]);
            in.flip().position(headEnd + length);
            in.compact();
            return true;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // a loopback socket of our own
            }
        }
    }

    /** Logs the first answer to a sample that is not 2xx, with its status line. */
    private void noteStatus(String head, String ask) {
        boolean ok = noOpJobs || (head.length() >= 12 && head.charAt(9) == '2'); // without samples: 503, 404 as meant
        if (!ok && !oddAnswerLogged) {
            oddAnswerLogged = true;
            LOG.warn("the warm-up's {} was answered {}: does the config's warmup sample fit its handler?",
                    ask, head.substring(0, Math.max(0, head.indexOf('\r'))));
        }
    }

    private static byte[] post(String path, byte[] body) {
        byte[] head = ask("POST " + path + " HTTP/1.1\r\nHost: warm-up\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n");
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    private static byte[] ask(String request) {
        return request.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "warm-up of " + length.toMillis() + " ms";
    }
}
