package dev.offload.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.offload.pool.JobFailedException;
import dev.offload.pool.WorkerCrashedException;
import dev.offload.pool.WorkerPool;
import dev.offload.worker.PayloadCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /jobs/{name}}: decodes the body into the named handler's input type, submits it and
 * answers with the result once the job completes. Runs on the event loop and never waits for a
 * worker; the answer is written by the pool's callback thread.
 *
 * <p>Single-threaded: {@link #handle} and {@link #stopAccepting} run only on the event loop, which
 * owns {@link #stopping}.
 */
final class JobsHttpHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JobsHttpHandler.class);
    static final String PREFIX = "/jobs/";

    private final HandlerCatalog catalog;
    private final WorkerPool pool;
    private final long maxBodyBytes;
    private final InFlight inFlight;
    private boolean stopping;

    JobsHttpHandler(HandlerCatalog catalog, WorkerPool pool, long maxBodyBytes, InFlight inFlight) {
        this.catalog = catalog;
        this.pool = pool;
        this.maxBodyBytes = maxBodyBytes;
        this.inFlight = inFlight;
    }

    /**
     * From now on new jobs are answered 503. Runs on the event loop, so every request that got past
     * the check before has already registered its job in {@link InFlight}.
     */
    void stopAccepting() {
        stopping = true;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            dispatch(exchange);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            Responses.error(exchange, ErrorMapping.of(e));
        }
    }

    private void dispatch(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        String name = path.substring(Math.min(path.length(), PREFIX.length()));
        HandlerCatalog.Entry handler = catalog.get(name);
        if (handler == null) {
            Responses.error(exchange, HttpError.unknownHandler(name, catalog.names()));
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            Responses.error(exchange, HttpError.methodNotAllowed(exchange.getRequestMethod(), path, "POST"));
            return;
        }
        if (stopping) {
            Responses.error(exchange, HttpError.stopping());
            return;
        }
        byte[] body;
        try {
            body = readBody(exchange);
        } catch (IOException e) {
            LOG.debug("could not read the body of {}: {}", path, e.toString());
            exchange.close();
            return;
        }
        if (body == null) {
            Responses.error(exchange, HttpError.tooLarge(maxBodyBytes, "the request body"));
            return;
        }
        Object input;
        try {
            input = InputDecoder.decode(handler, body);
        } catch (InputDecoder.BadInputException e) {
            Responses.error(exchange, HttpError.badRequest(e.getMessage()));
            return;
        }
        CompletableFuture<Object> job = pool.submit(handler.type(), input);
        inFlight.add(job);
        job.whenComplete((result, failure) -> {
            try {
                answer(exchange, handler, result, failure);
            } finally {
                inFlight.remove(job);
            }
        });
    }

    private static void answer(HttpExchange exchange, HandlerCatalog.Entry handler, Object result, Throwable failure) {
        if (failure != null) {
            Throwable cause = ErrorMapping.unwrap(failure);
            if (cause instanceof JobFailedException e) {
                LOG.warn("job '{}' failed: {}\n{}", handler.name(), e.getMessage(), e.remoteStackTrace());
            } else if (cause instanceof WorkerCrashedException e) {
                LOG.warn("job '{}': {}; worker stderr ended with: {}", handler.name(), e.getMessage(), e.stderrTail());
            }
            Responses.error(exchange, ErrorMapping.of(failure));
            return;
        }
        byte[] bytes;
        try {
            bytes = PayloadCodec.encode(result);
        } catch (IOException e) {
            Responses.error(exchange, HttpError.of(500, "InternalError", "cannot encode the result of '"
                    + handler.name() + "' as JSON: " + e.getMessage()));
            return;
        }
        Responses.send(exchange, 200, result instanceof byte[] ? Responses.BYTES : Responses.JSON, bytes);
    }

    /** The body, or null when it is over the limit: by its Content-Length, or else by what arrives. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && declared.strip().matches("\\d{1,18}") && Long.parseLong(declared.strip()) > maxBodyBytes) {
            return null; // refused unread; closing the exchange drains a little, then drops the connection
        }
        // Chunked bodies have no length: read one byte past the limit to know it was exceeded.
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            return body.length > maxBodyBytes ? null : body;
        }
    }
}
