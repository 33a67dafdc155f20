package dev.offload.service;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.offload.worker.PayloadCodec;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decodes a request body into a handler's declared input type, in the service's JVM, so that a bad
 * body is a 400 that says what is wrong rather than a failed job. Uses the pool's codec: what
 * decodes here decodes the same way in the worker. {@code byte[]} inputs take the body as is.
 */
final class InputDecoder {
    /** "(set DeserializationConfig.DeserializationFeature.X to 'false' to allow)" and the like. */
    private static final Pattern JACKSON_HINT = Pattern.compile("\\s*\\(set [A-Za-z.]+Feature\\.[A-Z_]+[^)]*\\)");

    /** The body does not decode into the handler's input; the message is meant for the client. */
    static final class BadInputException extends Exception {
        BadInputException(String message) {
            super(message);
        }
    }

    private InputDecoder() {
    }

    static Object decode(HandlerCatalog.Entry handler, byte[] body) throws BadInputException {
        Object input;
        try {
            input = PayloadCodec.decode(body, handler.input());
        } catch (IOException e) {
            throw new BadInputException("the body is not a valid input for '" + handler.name() + "' ("
                    + typeName(handler) + "): " + describe(e));
        }
        if (input == null) {
            throw new BadInputException("the body of '" + handler.name() + "' must be a JSON " + typeName(handler)
                    + ", not null");
        }
        return input;
    }

    /** {@code Fibonacci.Input}: the input class named as in source, without its package. */
    private static String typeName(HandlerCatalog.Entry handler) {
        Class<?> type = handler.input().getRawClass();
        String name = type.getCanonicalName() != null ? type.getCanonicalName() : type.getName();
        String pkg = type.getPackageName();
        return !pkg.isEmpty() && name.startsWith(pkg + ".") ? name.substring(pkg.length() + 1) : name;
    }

    /**
     * Jackson's message without its source excerpt or its hints about Jackson settings, prefixed by
     * where in the body it went wrong ({@code at items[2].n}); a validating record constructor's own
     * message as it is.
     */
    private static String describe(IOException e) {
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            return v.getCause().getMessage();
        }
        if (!(e instanceof JsonProcessingException j)) {
            return e.getMessage();
        }
        String message = JACKSON_HINT.matcher(j.getOriginalMessage()).replaceAll("");
        if (message.startsWith("Cannot map `null` into type")) {
            message = "missing or null, but " + message.substring("Cannot map `null` into type ".length())
                    + " is required";
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "at " + path(m.getPath()) + ": " + message;
        }
        JsonLocation where = j.getLocation();
        return where == null ? message : message + " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "the top level" : path.toString();
    }
}
