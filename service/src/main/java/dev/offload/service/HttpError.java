package dev.offload.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error answer: its status, the JSON body {@code {"error": message, "type": type, ...details}}
 * and any headers it needs ({@code Retry-After}, {@code Allow}). Immutable. Whether the connection
 * closes after it is the connection's decision, not part of the error.
 */
record HttpError(int status, String type, String message, Map<String, Object> details, Map<String, String> headers) {

    HttpError {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    static HttpError of(int status, String type, String message) {
        return new HttpError(status, type, message, Map.of(), status == 503 ? Map.of("Retry-After", "1") : Map.of());
    }

    static HttpError notFound(String message) {
        return of(404, "NotFound", message);
    }

    static HttpError unknownHandler(String name, List<String> known) {
        return of(404, "UnknownHandler", "no handler named '" + name + "'; this service has: "
                + (known.isEmpty() ? "none" : String.join(", ", known)));
    }

    static HttpError methodNotAllowed(String method, String path, String allowed) {
        return of(405, "MethodNotAllowed", method + " is not allowed on " + path + "; use " + allowed)
                .withHeader("Allow", allowed);
    }

    static HttpError badRequest(String message) {
        return of(400, "BadRequest", message);
    }

    static HttpError tooLarge(long limit, String what) {
        return of(413, "PayloadTooLarge", what + " is over transport.maxFrameBytes (" + limit + " bytes)");
    }

    static HttpError requestTimeout(String message) {
        return of(408, "RequestTimeout", message);
    }

    /** The request line or headers could not be read: 414 or 431 when too long, else 400. */
    static HttpError malformed(int status, String message) {
        return of(status, status == 400 ? "BadRequest" : status == 414 ? "UriTooLong" : "HeadersTooLarge", message);
    }

    static HttpError tooManyConnections(int limit) {
        return of(503, "TooManyConnections", limit + " connections are open already (--max-connections); try again later");
    }

    static HttpError stopping() {
        return of(503, "ServiceStopping", "the service is stopping and accepts no new jobs");
    }

    HttpError with(String key, Object value) {
        var copy = new LinkedHashMap<>(details);
        copy.put(key, value);
        return new HttpError(status, type, message, copy, headers);
    }

    HttpError withHeader(String name, String value) {
        var copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpError(status, type, message, details, copy);
    }

    /** The JSON body: error and type first, then the details. */
    Map<String, Object> body() {
        var body = new LinkedHashMap<String, Object>();
        body.put("error", message);
        body.put("type", type);
        body.putAll(details);
        return body;
    }
}
