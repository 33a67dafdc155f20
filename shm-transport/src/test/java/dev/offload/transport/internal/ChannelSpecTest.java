package dev.offload.transport.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelSpecTest {
    private static final ChannelOptions OPTIONS = new ChannelOptions(1 << 20, 5_000);

    @Test
    void shouldRoundTripAPipeSpec() {
        ChannelSpec spec = ChannelSpec.pipe(OPTIONS);
        assertThat(spec.format()).isEqualTo("pipe:?max=1048576&spin=5000");
        assertThat(ChannelSpec.parse(spec.format())).isEqualTo(spec);
    }

    @Test
    void shouldRoundTripAnShmSpec() {
        ChannelSpec spec = ChannelSpec.shm(Path.of("/dev/shm/offload-123-k3j9/w0"), OPTIONS);
        assertThat(spec.format()).isEqualTo("shm:/dev/shm/offload-123-k3j9/w0?max=1048576&spin=5000");
        assertThat(ChannelSpec.parse(spec.format())).isEqualTo(spec);
    }

    @Test
    void shouldKeepAPathWithAmpersandsAndEquals() {
        ChannelSpec spec = ChannelSpec.shm(Path.of("/tmp/a&b=c/w0"), OPTIONS);
        assertThat(ChannelSpec.parse(spec.format())).isEqualTo(spec);
    }

    @Test
    void shouldUseDefaultsForWhatIsLeftOut() {
        ChannelSpec pipe = ChannelSpec.parse("pipe:?max=16777216");
        assertThat(pipe.kind()).isEqualTo("pipe");
        assertThat(pipe.options()).isEqualTo(new ChannelOptions(16777216, ChannelOptions.defaults().spinNanos()));
        ChannelSpec shm = ChannelSpec.parse("shm:/dev/shm/offload-1-a/w3");
        assertThat(shm.dir()).isEqualTo(Path.of("/dev/shm/offload-1-a/w3"));
        assertThat(shm.options()).isEqualTo(ChannelOptions.defaults());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "tcp://localhost:99           | unknown channel kind 'tcp'",
            "shm                          | no ':' after the channel kind",
            "shm:                         | needs the worker's directory",
            "shm:?max=10                  | needs the worker's directory",
            "shm:dev/shm/x                | must be an absolute path (got 'dev/shm/x')",
            "pipe:/dev/shm/x              | takes no path",
            "shm:/x?max=abc               | max must be a whole number (got 'abc')",
            "shm:/x?spin=1.5              | spin must be a whole number (got '1.5')",
            "shm:/x?max=0                 | maxFrameBytes must be >= 1 (got 0)",
            "shm:/x?spin=-1               | spinNanos must be >= 0 (got -1)",
            "shm:/x?size=10               | unknown parameter 'size'",
            "shm:/x?max=1&max=2           | 'max' is given twice",
            "shm:/x?max                   | 'max' has no '=value'",
            "shm:/x?max=10&               | '' has no '=value'",
    })
    void shouldNameTheBadPart(String text, String expected) {
        assertThatThrownBy(() -> ChannelSpec.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + text + "\"")
                .hasMessageContaining(ChannelSpec.ENV)
                .hasMessageContaining(expected);
    }

    @Test
    void shouldExplainAnEmptySpec() {
        assertThatThrownBy(() -> ChannelSpec.parse(" "))
                .hasMessageContaining(ChannelSpec.ENV + " is empty")
                .hasMessageContaining("shm:");
    }

    @Test
    void shouldRefuseAnShmDirectoryWithAQuestionMark() {
        assertThatThrownBy(() -> ChannelSpec.shm(Path.of("/tmp/what?/w0"), OPTIONS))
                .hasMessageContaining("'?'");
    }
}
