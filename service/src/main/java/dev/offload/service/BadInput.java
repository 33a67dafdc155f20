package dev.offload.service;

import dev.offload.pool.JobFailedException;
import dev.offload.pool.WorkerPool;

import java.util.regex.Pattern;

/**
 * The 400 answers about a body that is not a valid input for its handler. The service does not
 * decode bodies: the worker does, and its {@link WorkerPool#INPUT_DECODING_ERROR} is rewritten here
 * for the client. Only an empty or {@code null} body, which would reach the handler as a null
 * input, is caught before it is submitted. Stateless.
 */
final class BadInput {
    /** "(set DeserializationConfig.DeserializationFeature.X to 'false' to allow)" and the like. */
    private static final Pattern JACKSON_HINT = Pattern.compile("\\s*\\(set [A-Za-z.]+Feature\\.[A-Z_]+[^)]*\\)");
    private static final Pattern NULL_PRIMITIVE = Pattern.compile("Cannot map `null` into type (\\S+)");
    private static final Pattern CONSTRUCTOR = Pattern.compile("Cannot construct instance of `[^`]+`, problem: ");

    private BadInput() {
    }

    static boolean is(JobFailedException e) {
        return WorkerPool.INPUT_DECODING_ERROR.equals(e.remoteType());
    }

    /**
     * The 400 for an empty or {@code null} body, or null if the body may be submitted. A
     * {@code byte[]} handler takes any body as it is; for the others this scan stops at the first
     * byte that is neither blank nor part of {@code null}, which is the first byte of any real input.
     */
    static HttpError checkPresent(HandlerCatalog.Entry handler, byte[] body) {
        if (handler.input().getRawClass() == byte[].class) {
            return null;
        }
        int i = skipBlanks(body, 0);
        if (i == body.length) {
            return HttpError.badRequest("the body of '" + handler.name() + "' is empty; it must be a JSON "
                    + typeName(handler));
        }
        if (body.length - i >= 4 && body[i] == 'n' && body[i + 1] == 'u' && body[i + 2] == 'l' && body[i + 3] == 'l'
                && skipBlanks(body, i + 4) == body.length) {
            return HttpError.badRequest("the body of '" + handler.name() + "' must be a JSON " + typeName(handler)
                    + ", not null");
        }
        return null;
    }

    /**
     * {@code the body is not a valid input for 'fib' (Fibonacci.Input): at n: missing or null, but
     * `int` is required}: the worker's message without its class names, Jackson's hints about its
     * own settings, or its wrapping of a validating constructor's message.
     */
    static HttpError of(HandlerCatalog.Entry handler, JobFailedException e) {
        String detail = e.remoteMessage() == null ? "" : e.remoteMessage();
        String prefix = "cannot decode the input of " + handler.type().getName() + " as " + handler.input().toCanonical() + ": ";
        if (detail.startsWith(prefix)) {
            detail = detail.substring(prefix.length());
        }
        detail = JACKSON_HINT.matcher(detail).replaceAll("");
        detail = NULL_PRIMITIVE.matcher(detail).replaceFirst("missing or null, but $1 is required");
        detail = CONSTRUCTOR.matcher(detail).replaceFirst("");
        return HttpError.badRequest("the body is not a valid input for '" + handler.name() + "' (" + typeName(handler)
                + "): " + detail);
    }

    /** {@code Fibonacci.Input}: the input class named as in source, without its package. */
    private static String typeName(HandlerCatalog.Entry handler) {
        Class<?> type = handler.input().getRawClass();
        String name = type.getCanonicalName() != null ? type.getCanonicalName() : type.getName();
        String pkg = type.getPackageName();
        return !pkg.isEmpty() && name.startsWith(pkg + ".") ? name.substring(pkg.length() + 1) : name;
    }

    private static int skipBlanks(byte[] body, int from) {
        int i = from;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
            i++;
        }
        return i;
    }
}
