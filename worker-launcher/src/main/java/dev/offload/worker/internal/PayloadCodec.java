package dev.offload.worker.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;

import java.io.IOException;

/**
 * Encodes job inputs, results and progress updates as JSON, on both sides of the channel.
 *
 * <p>No default typing and no Java serialisation: the receiving side decodes into the type the
 * handler declares, never into a type named by the bytes. {@code byte[]} passes through untouched.
 * Whole numbers take a short cut past Jackson ({@link ScalarJson}), with the same bytes and values.
 */
public final class PayloadCodec {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private static final JavaType BYTES = MAPPER.constructType(byte[].class);
    private static final JavaType OBJECT = MAPPER.constructType(Object.class);

    private PayloadCodec() {
    }

    /**
     * Loads the codec's classes on a short-lived daemon thread ({@code offload-codec-warmup}), so a
     * worker that has just said HELLO spends its wait for the first job on them rather than the job.
     * A job that comes first simply waits for the class initialisation it needs.
     */
    static void warmUpInBackground() {
        Thread thread = new Thread(() -> {
            try {
                decode(encode(java.util.Map.of("warm", 1)), OBJECT);
            } catch (IOException | RuntimeException e) {
                // only a warm-up: the first job will meet and report whatever this met
            }
        }, "offload-codec-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static TypeFactory types() {
        return MAPPER.getTypeFactory();
    }

    public static JavaType objectType() {
        return OBJECT;
    }

    public static byte[] encode(Object value) throws IOException {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        byte[] number = ScalarJson.encode(value);
        return number != null ? number : MAPPER.writeValueAsBytes(value);
    }

    @SuppressWarnings("unchecked")
    public static <T> T decode(byte[] bytes, JavaType type) throws IOException {
        if (type.equals(BYTES)) {
            return (T) bytes;
        }
        Object number = ScalarJson.decode(bytes, type.getRawClass());
        return number != null ? (T) number : MAPPER.readValue(bytes, type);
    }
}
