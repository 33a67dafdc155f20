package dev.offload.worker.internal;

import com.fasterxml.jackson.databind.JavaType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole-number short cut ({@link ScalarJson}) must be invisible: the bytes and values Jackson alone gives. */
class PayloadCodecTest {
    private static final List<Class<?>> TYPES = List.of(Integer.class, Long.class, int.class, long.class, Object.class);

    @Test
    void shouldEncodeWholeNumbersAsJacksonDoes() throws Exception {
        List<Object> values = new ArrayList<>(List.of(0, 1, -1, 7, 10, -10, Integer.MAX_VALUE, Integer.MIN_VALUE,
                0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000_000_000L));
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 2_000; i++) {
            values.add(random.nextInt());
            values.add(random.nextLong());
            values.add(random.nextInt(1000) - 500);
        }
        for (Object value : values) {
            assertThat(PayloadCodec.encode(value)).as("%s", value)
                    .isEqualTo(PayloadCodec.mapper().writeValueAsBytes(value));
        }
    }

    @Test
    void shouldDecodeEveryTextAsJacksonAloneWould() {
        List<String> texts = new ArrayList<>(List.of("0", "-0", "00", "01", "-01", "1", "-1", "123456789", "1234567890",
                "2147483647", "2147483648", "-2147483648", "-2147483649", "999999999", "-999999999",
                "999999999999999999", "9999999999999999999", "9223372036854775807", "9223372036854775808",
                "-9223372036854775808", "", "-", "+1", " 1", "1 ", "1.0", "1.5", "1e3", "\"12\"", "null", "true",
                "12a", "1-2", "--1", "0x10", "[1]", "{}", "１２", "1\n"));
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 2_000; i++) {
            texts.add(Integer.toString(random.nextInt()));
            texts.add(Long.toString(random.nextLong()));
            texts.add(Long.toString(random.nextLong(-10_000_000_000L, 10_000_000_000L)));
        }
        for (Class<?> type : TYPES) {
            JavaType javaType = PayloadCodec.types().constructType(type);
            for (String text : texts) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                assertThat(outcome(() -> PayloadCodec.decode(bytes, javaType)))
                        .as("%s as %s", text, type.getSimpleName())
                        .isEqualTo(outcome(() -> PayloadCodec.mapper().readValue(bytes, javaType)));
            }
        }
    }

    /** The value and its class, or the exception's class: what a caller could tell apart. */
    private static String outcome(Decoding decoding) {
        try {
            Object value = decoding.run();
            return value == null ? "null" : value.getClass().getName() + ":" + Objects.toString(value);
        } catch (Exception e) {
            return "threw " + e.getClass().getName();
        }
    }

    @FunctionalInterface
    private interface Decoding {
        Object run() throws Exception;
    }
}
