package dev.offload.service;

import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes answers. Each exchange is answered exactly once and then closed, from whichever thread
 * holds it: the event loop for immediate answers, a pool callback thread for job results.
 */
final class Responses {
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
    static final String JSON = "application/json";
    static final String BYTES = "application/octet-stream";

    private Responses() {
    }

    static void json(HttpExchange exchange, int status, Object value) {
        send(exchange, status, JSON, Json.bytes(value));
    }

    static void error(HttpExchange exchange, HttpError error) {
        error.headers().forEach(exchange.getResponseHeaders()::set);
        send(exchange, error.status(), JSON, Json.bytes(error.body()));
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) {
        try {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // The client hung up (or the server is stopping); nobody is left to tell.
            LOG.debug("could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        } finally {
            exchange.close();
        }
    }

    /**
     * True for a {@code GET} of exactly {@code path}; otherwise answers 404 (another path under the
     * same context) or 405 (another method) and returns false.
     */
    static boolean isGetOf(HttpExchange exchange, String path) {
        if (!exchange.getRequestURI().getPath().equals(path)) {
            error(exchange, HttpError.notFound("nothing at " + exchange.getRequestURI().getPath()));
            return false;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            error(exchange, HttpError.methodNotAllowed(exchange.getRequestMethod(), path, "GET"));
            return false;
        }
        return true;
    }
}
