package dev.offload.worker.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HelloTest {

    @Test
    void shouldReadBackWhatItWrites() throws IOException {
        Hello hello = new Hello(4242, "shm", "0123abcdef");
        assertThat(Hello.decode(hello.encode())).isEqualTo(hello);
    }

    @Test
    void shouldRejectAPayloadThatIsNotAHelloWithoutQuotingIt() {
        for (String bad : new String[] {"", "4242 shm", "x shm tok", "1 shm tok extra", "{\"pid\":1}", "1 shm to ken"}) {
            assertThatThrownBy(() -> Hello.decode(bad.getBytes(StandardCharsets.US_ASCII)))
                    .as(bad).isInstanceOf(IOException.class).hasMessageStartingWith("malformed HELLO payload (");
        }
        assertThatThrownBy(() -> Hello.decode(new byte[100_000])).isInstanceOf(IOException.class)
                .hasMessageContaining("100000 bytes");
    }
}
