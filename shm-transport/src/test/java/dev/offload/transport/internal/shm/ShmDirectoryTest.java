package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class ShmDirectoryTest {
    @RegisterExtension
    final TestShmBase.PerTest base = TestShmBase.perTest();

    @Test
    void shouldCreateAPrivateDirectoryNamedAfterThisProcess() throws IOException {
        try (ShmDirectory dir = ShmDirectory.create(base.path())) {
            assertThat(dir.path().getParent()).isEqualTo(base.path());
            assertThat(dir.path().getFileName().toString())
                    .matches("offload-" + ProcessHandle.current().pid() + "-[0-9a-z]+");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.path()))).isEqualTo("rwx------");
            assertThat(dir.workerDir("w0")).isEqualTo(dir.path().resolve("w0"));
        }
    }

    @Test
    void twoPoolsShouldGetTwoDirectories() throws IOException {
        try (ShmDirectory a = ShmDirectory.create(base.path()); ShmDirectory b = ShmDirectory.create(base.path())) {
            assertThat(a.path()).isNotEqualTo(b.path());
        }
    }

    @Test
    void closeShouldDeleteEverythingInsideAndBeIdempotent() throws IOException {
        ShmDirectory dir = ShmDirectory.create(base.path());
        ShmChannel.prepare(dir.workerDir("w0"), dev.offload.transport.internal.ChannelOptions.defaults());
        Files.writeString(dir.workerDir("w0").resolve("extra"), "x");
        dir.close();
        assertThat(dir.path()).doesNotExist();
        dir.close();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void sweepShouldDeleteDirectoriesOfDeadProcessesAndKeepLiveOnes() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        assertThat(finished.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path dead = Files.createDirectories(base.path().resolve("offload-" + finished.pid() + "-dead1").resolve("w0"))
                .getParent();
        Files.writeString(dead.resolve("w0").resolve("control"), "x");
        long livePid = ProcessHandle.current().parent().orElseThrow().pid();
        Path live = Files.createDirectory(base.path().resolve("offload-" + livePid + "-live1"));
        Path notOurs = Files.createDirectory(base.path().resolve("offload-cache"));
        try (ShmDirectory mine = ShmDirectory.create(base.path())) {
            assertThat(ShmDirectory.sweep(base.path())).isEqualTo(1);
            assertThat(dead).doesNotExist();
            assertThat(live).isDirectory();
            assertThat(notOurs).isDirectory();
            assertThat(mine.path()).isDirectory();
        } finally {
            Files.delete(live);
            Files.delete(notOurs);
        }
    }

    @Test
    void sweepOfAMissingBaseShouldFindNothing() throws IOException {
        assertThat(ShmDirectory.sweep(base.path().resolve("missing"))).isZero();
    }

    @Test
    void shouldSayWhenTheBaseDoesNotExist() {
        Path missing = base.path().resolve("missing");
        assertThatThrownBy(() -> ShmDirectory.create(missing))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldSayWhenTheBaseIsAFile() throws IOException {
        Path file = Files.writeString(base.path().resolve("file"), "x");
        try {
            assertThatThrownBy(() -> ShmDirectory.create(file))
                    .isInstanceOf(ChannelException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("not a directory");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void shouldSayWhenTheBaseIsNotWritable() throws IOException {
        assumeThat(System.getProperty("user.name")).as("root may write anywhere").isNotEqualTo("root");
        Path readOnly = Files.createDirectory(base.path().resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
        try {
            assertThatThrownBy(() -> ShmDirectory.create(readOnly))
                    .isInstanceOf(ChannelException.class)
                    .hasMessageContaining(readOnly.toString())
                    .hasMessageContaining("not writable");
        } finally {
            Files.delete(readOnly);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../w0", "a/b", ".hidden", "-rf", "w 0"})
    void workerDirShouldRefuseNamesThatAreNotPlainIds(String id) throws IOException {
        try (ShmDirectory dir = ShmDirectory.create(base.path())) {
            assertThatThrownBy(() -> dir.workerDir(id))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("worker id");
        }
    }
}
