package dev.offload.transport.internal.shm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvmFlagFilesTest {

    @Test
    void shouldReadFlagsSeparatedByWhiteSpaceAndSkipComments() {
        assertThat(JvmFlagFiles.parse("x", "# a comment -Dno=1\n-Da=1  -Db=2\r\n\n--add-opens=m/p=ALL-UNNAMED # tail -Dno=2\n"))
                .containsExactly("-Da=1", "-Db=2", "--add-opens=m/p=ALL-UNNAMED");
    }

    @Test
    void shouldRefuseAFileTheBuildDidNotFillIn() {
        assertThatThrownBy(() -> JvmFlagFiles.parse("META-INF/offload/x.txt", "${chronicle.jvm.flags}\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/offload/x.txt holds ${chronicle.jvm.flags}");
    }

    @Test
    void shouldNameTheJarThatCarriesAMissingFile() {
        assertThatThrownBy(() -> JvmFlagFiles.read(JvmFlagFiles.CLUSTER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not on the class path").hasMessageContaining("the cluster jar");
    }
}
