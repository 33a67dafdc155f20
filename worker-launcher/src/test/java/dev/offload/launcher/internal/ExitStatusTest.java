package dev.offload.launcher.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExitStatusTest {
    @Test
    void shouldNameTheSignalBehindAnExitCode() {
        assertThat(ExitStatus.describe(137)).isEqualTo("killed by SIGKILL (exit code 137)");
        assertThat(ExitStatus.describe(143)).isEqualTo("killed by SIGTERM (exit code 143)");
        assertThat(ExitStatus.describe(139)).isEqualTo("killed by SIGSEGV (exit code 139)");
        assertThat(ExitStatus.signal(137)).isEqualTo("SIGKILL");
    }

    @Test
    void shouldTellASignalFromOutsideFromACrash() {
        assertThat(ExitStatus.killedFromOutside(137)).isTrue();
        assertThat(ExitStatus.killedFromOutside(143)).isTrue();
        assertThat(ExitStatus.killedFromOutside(130)).isTrue();
        assertThat(ExitStatus.killedFromOutside(134)).as("SIGABRT: the JVM crashed").isFalse();
        assertThat(ExitStatus.killedFromOutside(139)).as("SIGSEGV").isFalse();
        assertThat(ExitStatus.killedFromOutside(1)).isFalse();
        assertThat(ExitStatus.killedFromOutside(-1)).as("still running, killed by the pool").isFalse();
    }

    @Test
    void shouldReportAPlainExitCodeAsSuch() {
        assertThat(ExitStatus.describe(3)).isEqualTo("exited with code 3");
        assertThat(ExitStatus.signal(1)).isNull();
        assertThat(ExitStatus.signal(0)).isNull();
    }
}
