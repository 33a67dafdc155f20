package dev.offload.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A small HTTP/1.1 client for a test server on 127.0.0.1. */
final class Http implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String base;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "offload-test-http-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(executor)
            .build();

    Http(String base) {
        this.base = base;
    }

    record Reply(int status, HttpHeaders headers, String body, long nanos) {
        Map<String, Object> json() {
            return jsonObject(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        double millis() {
            return nanos / 1e6;
        }
    }

    /** {@code body} read as a JSON object. */
    static Map<String, Object> jsonObject(String body) {
        try {
            return JSON.readValue(body, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: " + body, e);
        }
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    Reply post(String path, String body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    CompletableFuture<Reply> postAsync(String path, String body) {
        return sendAsync(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Reply send(String method, String path, HttpRequest.BodyPublisher body) {
        return send(request(path).method(method, body).build());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    }

    Reply send(HttpRequest request) {
        return sendAsync(request).join();
    }

    CompletableFuture<Reply> sendAsync(HttpRequest request) {
        long start = System.nanoTime();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Reply(r.statusCode(), r.headers(), r.body(), System.nanoTime() - start));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
