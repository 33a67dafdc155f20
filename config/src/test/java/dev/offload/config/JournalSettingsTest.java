package dev.offload.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code journal} section: where {@code offload serve} journals asynchronous jobs, how it flushes, how long results stay. */
class JournalSettingsTest {

    @TempDir
    Path dir;

    @Test
    void shouldKeepNoJournalFlushThroughTheKernelAndKeepResultsAnHourByDefault() {
        PoolConfig c = PoolConfig.defaults();

        assertThat(c.journalDir()).isEmpty();
        assertThat(c.journalFlush()).isEqualTo("os");
        assertThat(c.journalResultTtl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void shouldReadTheSectionFromAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("offload.yaml"), """
                journal: { dir: /var/lib/offload/journal, flush: sync, resultTtl: 10m }
                """);

        PoolConfig c = PoolConfig.load(file, Map.of(), Map.of());

        assertThat(c.journalDir()).contains(Path.of("/var/lib/offload/journal"));
        assertThat(c.journalFlush()).isEqualTo("sync");
        assertThat(c.journalResultTtl()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldTakeTheDirectoryFromAnEnvironmentVariable() {
        PoolConfig c = PoolConfig.fromEnvironment(Map.of(), Map.of("OFFLOAD_JOURNAL_DIR", "/data/journal",
                "OFFLOAD_JOURNAL_RESULT_TTL", "2h"));

        assertThat(c.journalDir()).contains(Path.of("/data/journal"));
        assertThat(c.journalResultTtl()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void shouldRejectAnUnknownFlushPolicyNamingTheAllowedOnes() {
        assertThatThrownBy(() -> PoolConfig.builder().journalFlush("fsync").build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("journal.flush: unknown value \"fsync\" (allowed: os, sync)");
    }

    @Test
    void shouldRejectAResultTtlThatIsNotPositive() {
        assertThatThrownBy(() -> PoolConfig.builder().journalResultTtl(Duration.ZERO).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("journal.resultTtl must be > 0 (got 0s)");
    }

    @Test
    void shouldRejectAnEmptyDirectory() {
        assertThatThrownBy(() -> PoolConfig.builder().journalDir(Path.of("")).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("journal.dir must not be empty (leave it unset to keep no journal)");
    }

    @Test
    void shouldRejectATypoInTheSectionNamingTheKnownKeys() throws IOException {
        Path file = Files.writeString(dir.resolve("offload.yaml"), "journal: { directory: /tmp/j }\n");

        assertThatThrownBy(() -> PoolConfig.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("journal.directory")
                .hasMessageContaining("known keys under journal: dir, flush, resultTtl");
    }
}
