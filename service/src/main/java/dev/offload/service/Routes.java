package dev.offload.service;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.HashMap;
import java.util.Map;

/**
 * What a request line asks for: {@code POST /jobs/{name}}, {@code GET /health}, {@code GET /stats},
 * or an error (404 unknown path or handler, 405 wrong method). Immutable; shared by every
 * connection. The routes of the configured handlers are built once, so that resolving a job
 * request allocates nothing.
 */
final class Routes {
    static final String JOBS = "/jobs/";
    static final String HEALTH = "/health";
    static final String STATS = "/stats";

    enum Kind { JOB, HEALTH, STATS, ERROR }

    /** A resolved request: the handler of a job (and the Content-Type of its results), or the error to answer. */
    record Route(Kind kind, HandlerCatalog.Entry handler, byte[] resultType, HttpError error) {
        private static Route error(HttpError error) {
            return new Route(Kind.ERROR, null, null, error);
        }
    }

    private static final Route HEALTH_ROUTE = new Route(Kind.HEALTH, null, null, null);
    private static final Route STATS_ROUTE = new Route(Kind.STATS, null, null, null);

    private final HandlerCatalog catalog;
    private final Map<String, Route> jobs = new HashMap<>();

    Routes(HandlerCatalog catalog) {
        this.catalog = catalog;
        for (String name : catalog.names()) {
            HandlerCatalog.Entry handler = catalog.get(name);
            byte[] type = handler.output().getRawClass() == byte[].class ? HttpAnswer.BYTES : HttpAnswer.JSON;
            jobs.put(JOBS + name, new Route(Kind.JOB, handler, type, null));
        }
    }

    Route resolve(HttpMethod method, String uri) {
        String path = path(uri);
        Route job = jobs.get(path);
        if (job != null) {
            return method == HttpMethod.POST ? job : Route.error(HttpError.methodNotAllowed(method.name(), path, "POST"));
        }
        if (path.startsWith(JOBS)) {
            return Route.error(HttpError.unknownHandler(path.substring(JOBS.length()), catalog.names()));
        }
        if (path.equals(HEALTH) || path.equals(STATS)) {
            if (method != HttpMethod.GET) {
                return Route.error(HttpError.methodNotAllowed(method.name(), path, "GET"));
            }
            return path.equals(HEALTH) ? HEALTH_ROUTE : STATS_ROUTE;
        }
        return Route.error(HttpError.notFound("nothing at " + path + "; try POST /jobs/{name}, GET /health or GET /stats"));
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
