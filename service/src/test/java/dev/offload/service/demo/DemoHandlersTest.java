package dev.offload.service.demo;

import dev.offload.worker.JobContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.util.HexFormat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo handlers called directly, in this JVM. */
@Timeout(30)
class DemoHandlersTest {

    private static JobContext context(boolean cancelled) {
        return new JobContext() {
            @Override
            public String jobId() {
                return "1";
            }

            @Override
            public int attempt() {
                return 1;
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }

            @Override
            public void progress(Object update) {
            }
        };
    }

    @Test
    void shouldComputeFibonacciNumbers() {
        Fibonacci fib = new Fibonacci();

        assertThat(fib.handle(new Fibonacci.Input(0), context(false))).isEqualTo(new Fibonacci.Result(0, 0));
        assertThat(fib.handle(new Fibonacci.Input(1), context(false)).value()).isEqualTo(1);
        assertThat(fib.handle(new Fibonacci.Input(30), context(false)).value()).isEqualTo(832_040);
    }

    @Test
    void shouldRejectFibonacciInputsOutOfRange() {
        assertThatThrownBy(() -> new Fibonacci.Input(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be between 0 and 92 (got -1)");
        assertThatThrownBy(() -> new Fibonacci.Input(93)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Fibonacci.Input(92).n()).isEqualTo(92);
    }

    @Test
    void shouldHashRepeatedly() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] expected = "hello".getBytes(UTF_8);
        for (int i = 0; i < 3; i++) {
            expected = sha.digest(expected);
        }

        assertThat(new Sha256().handle(new Sha256.Input("hello", 3), context(false)).hex())
                .isEqualTo(HexFormat.of().formatHex(expected));
        assertThat(new Sha256.Input("x", null).rounds()).isEqualTo(1);
        assertThatThrownBy(() -> new Sha256.Input("x", 10_000_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sha256.Input(null, 1)).hasMessage("text is required");
    }

    @Test
    void shouldSleepAndStopEarlyWhenCancelled() throws Exception {
        assertThat(new Sleep().handle(new Sleep.Input(30), context(false)).slept()).isBetween(30L, 5_000L);
        assertThat(new Sleep().handle(new Sleep.Input(60_000), context(true)).slept()).isLessThan(5_000L);
        assertThatThrownBy(() -> new Sleep.Input(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
