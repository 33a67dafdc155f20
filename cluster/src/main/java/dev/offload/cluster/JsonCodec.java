package dev.offload.cluster;

import com.fasterxml.jackson.databind.JavaType;
import dev.offload.worker.internal.HandlerTypes;
import dev.offload.worker.internal.PayloadCodec;

import java.io.IOException;

/**
 * The one place this module turns objects into JSON bytes and back, with the pool's own codec, so
 * that a result decoded here equals what {@code WorkerPool.submit} would have returned. Thread-safe.
 */
final class JsonCodec {
    private static final ClassValue<JavaType> OUTPUT_TYPES = new ClassValue<>() {
        @Override
        protected JavaType computeValue(Class<?> handler) {
            return HandlerTypes.of(handler).output();
        }
    };

    private JsonCodec() {
    }

    /** The output type a handler class declares for {@code JobHandler<I, O>}. */
    static JavaType outputOf(Class<?> handler) {
        return OUTPUT_TYPES.get(handler);
    }

    static byte[] encode(Object value) throws IOException {
        return PayloadCodec.encode(value);
    }

    /** {@code type} null: the bytes themselves. */
    static Object decode(byte[] json, JavaType type) throws IOException {
        return type == null ? json : PayloadCodec.decode(json, type);
    }

    static String describe(JavaType type) {
        return type.toCanonical();
    }
}
