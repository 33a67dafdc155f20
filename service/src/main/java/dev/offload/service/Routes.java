package dev.offload.service;

import dev.offload.service.async.AsyncJobs;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.HashMap;
import java.util.Map;

/**
 * What a request line asks for: {@code POST /jobs/{name}}, {@code GET} or {@code DELETE}
 * {@code /jobs/id/{id}} (an asynchronous job), {@code GET /dead-letters}, {@code GET /health},
 * {@code GET /stats}, {@code GET /metrics}, or an error (404 unknown path or handler, 405 wrong method, 400 a malformed
 * job id). Immutable; shared by every connection. The routes of the configured handlers are built
 * once, so that resolving a job request allocates nothing.
 */
final class Routes {
    static final String JOBS = "/jobs/";
    /** Where an asynchronous job is found: this, then its id. A handler named {@code id} keeps {@code /jobs/id}. */
    static final String JOB_IDS = "/jobs/id/";
    static final String DEAD_LETTERS = "/dead-letters";
    static final String HEALTH = "/health";
    static final String STATS = "/stats";
    static final String METRICS = "/metrics";

    enum Kind { JOB, JOB_STATUS, JOB_CANCEL, DEAD_LETTERS, HEALTH, STATS, METRICS, ERROR }

    /**
     * A resolved request: the handler of a job (and the Content-Type of its results), an
     * asynchronous job's id, or the error to answer.
     */
    record Route(Kind kind, HandlerCatalog.Entry handler, byte[] resultType, String jobId, HttpError error) {
        private static Route of(Kind kind) {
            return new Route(kind, null, null, null, null);
        }

        private static Route error(HttpError error) {
            return new Route(Kind.ERROR, null, null, null, error);
        }
    }

    private static final Route HEALTH_ROUTE = Route.of(Kind.HEALTH);
    private static final Route STATS_ROUTE = Route.of(Kind.STATS);
    private static final Route METRICS_ROUTE = Route.of(Kind.METRICS);
    private static final Route DEAD_LETTERS_ROUTE = Route.of(Kind.DEAD_LETTERS);

    private final HandlerCatalog catalog;
    private final Map<String, Route> jobs = new HashMap<>();

    Routes(HandlerCatalog catalog) {
        this.catalog = catalog;
        for (String name : catalog.names()) {
            HandlerCatalog.Entry handler = catalog.get(name);
            byte[] type = handler.output().getRawClass() == byte[].class ? HttpAnswer.BYTES : HttpAnswer.JSON;
            jobs.put(JOBS + name, new Route(Kind.JOB, handler, type, null, null));
        }
    }

    Route resolve(HttpMethod method, String uri) {
        String path = path(uri);
        Route job = jobs.get(path);
        if (job != null) {
            return method == HttpMethod.POST ? job : Route.error(HttpError.methodNotAllowed(method.name(), path, "POST"));
        }
        if (path.startsWith(JOB_IDS)) {
            return asyncJob(method, path);
        }
        if (path.startsWith(JOBS)) {
            return Route.error(HttpError.unknownHandler(path.substring(JOBS.length()), catalog.names()));
        }
        Route read = switch (path) {
            case HEALTH -> HEALTH_ROUTE;
            case STATS -> STATS_ROUTE;
            case METRICS -> METRICS_ROUTE;
            case DEAD_LETTERS -> DEAD_LETTERS_ROUTE;
            default -> null;
        };
        if (read != null) {
            return method == HttpMethod.GET ? read : Route.error(HttpError.methodNotAllowed(method.name(), path, "GET"));
        }
        return Route.error(HttpError.notFound("nothing at " + path
                + "; try POST /jobs/{name}, GET /jobs/id/{id}, GET /dead-letters, GET /health, GET /stats or GET /metrics"));
    }

    private static Route asyncJob(HttpMethod method, String path) {
        if (method != HttpMethod.GET && method != HttpMethod.DELETE) {
            return Route.error(HttpError.methodNotAllowed(method.name(), path, "GET, DELETE"));
        }
        String id = path.substring(JOB_IDS.length());
        if (!AsyncJobs.isJobId(id)) {
            return Route.error(HttpError.badRequest("'" + id + "' is not a job id: an id is the 22 characters"
                    + " (A-Z, a-z, 0-9, - and _) after " + JOB_IDS + " in the Location of a 202 answer"));
        }
        return new Route(method == HttpMethod.GET ? Kind.JOB_STATUS : Kind.JOB_CANCEL, null, null, id, null);
    }

    /** The decoded path of a request target, without its query; an absolute-form target loses its scheme and host. */
    static String path(String uri) {
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String path = end == uri.length() ? uri : uri.substring(0, end);
        int scheme = path.startsWith("/") ? -1 : path.indexOf("://");
        if (scheme > 0) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        return path.indexOf('%') < 0 ? path : QueryStringDecoder.decodeComponent(path);
    }
}
