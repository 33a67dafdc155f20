package dev.offload.worker.internal;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandlerTypesTest {
    record In(int n) {
    }

    public static class Direct implements JobHandler<In, List<Map<String, Long>>> {
        @Override
        public List<Map<String, Long>> handle(In input, JobContext context) {
            return List.of();
        }
    }

    abstract static class Base<T> implements JobHandler<T, byte[]> {
    }

    public static class Inherited extends Base<String> {
        @Override
        public byte[] handle(String input, JobContext context) {
            return new byte[0];
        }
    }

    @SuppressWarnings("rawtypes")
    public static class Raw implements JobHandler {
        @Override
        public Object handle(Object input, JobContext context) {
            return input;
        }
    }

    @Test
    void shouldResolveDeclaredInputAndOutputTypes() {
        HandlerTypes types = HandlerTypes.of(Direct.class);
        assertThat(types.input().getRawClass()).isEqualTo(In.class);
        assertThat(types.output().toCanonical()).isEqualTo("java.util.List<java.util.Map<java.lang.String,java.lang.Long>>");
    }

    @Test
    void shouldResolveTypesThroughAGenericSuperclass() {
        HandlerTypes types = HandlerTypes.of(Inherited.class);
        assertThat(types.input().getRawClass()).isEqualTo(String.class);
        assertThat(types.output().getRawClass()).isEqualTo(byte[].class);
    }

    @Test
    void shouldFallBackToObjectForARawHandler() {
        HandlerTypes types = HandlerTypes.of(Raw.class);
        assertThat(types.input().getRawClass()).isEqualTo(Object.class);
    }

    @Test
    void shouldRefuseAClassThatIsNotAHandler() {
        assertThatThrownBy(() -> HandlerTypes.of(String.class)).hasMessageContaining("does not implement");
    }

    @Test
    void shouldPassBytesThroughTheCodecUntouchedAndRoundTripRecords() throws Exception {
        byte[] raw = {1, 2, 3};
        assertThat(PayloadCodec.encode(raw)).isSameAs(raw);
        assertThat((byte[]) PayloadCodec.decode(raw, PayloadCodec.types().constructType(byte[].class))).isSameAs(raw);
        byte[] json = PayloadCodec.encode(new In(7));
        assertThat(new String(json)).isEqualTo("{\"n\":7}");
        In back = PayloadCodec.decode(json, PayloadCodec.types().constructType(In.class));
        assertThat(back).isEqualTo(new In(7));
    }

    @Test
    void shouldRefuseUnknownPropertiesRatherThanGuess() {
        assertThatThrownBy(() -> PayloadCodec.decode("{\"n\":1,\"m\":2}".getBytes(), PayloadCodec.types().constructType(In.class)))
                .hasMessageContaining("\"m\"");
    }
}
