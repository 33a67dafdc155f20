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
 *
 * <p>The {@link ObjectMapper} is built on first use ({@link Json}), not when this class loads: on
 * a cold JVM building it costs 150-350 ms of class loading, which a handler of numbers or bytes
 * never needs. Types are resolved by Jackson's shared {@link TypeFactory}, the one the mapper uses.
 */
public final class PayloadCodec {
    private static final TypeFactory TYPES = TypeFactory.defaultInstance();
    private static final JavaType BYTES = TYPES.constructType(byte[].class);
    private static final JavaType OBJECT = TYPES.constructType(Object.class);

    private PayloadCodec() {
    }

    /** The mapper, built when first asked for (the holder idiom: the JVM's class initialisation is the lock). */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .typeFactory(TYPES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();

        private Json() {
        }
    }

    /** Builds the mapper and runs it once; {@link CodecWarmUp} calls this on a thread of its own. */
    static void warmUp() {
        try {
            Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(java.util.Map.of("warm", 1)), OBJECT);
        } catch (IOException | RuntimeException e) {
            // only a warm-up: the first job will meet and report whatever this met
        }
    }

    public static ObjectMapper mapper() {
        return Json.MAPPER;
    }

    public static TypeFactory types() {
        return TYPES;
    }

    public static JavaType objectType() {
        return OBJECT;
    }

    public static byte[] encode(Object value) throws IOException {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        byte[] number = ScalarJson.encode(value);
        return number != null ? number : Json.MAPPER.writeValueAsBytes(value);
    }

    @SuppressWarnings("unchecked")
    public static <T> T decode(byte[] bytes, JavaType type) throws IOException {
        if (type.equals(BYTES)) {
            return (T) bytes;
        }
        Object number = ScalarJson.decode(bytes, type.getRawClass());
        return number != null ? (T) number : Json.MAPPER.readValue(bytes, type);
    }
}
