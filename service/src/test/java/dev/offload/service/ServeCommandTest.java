package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code offload serve} refusing to start; serving itself is covered over HTTP and in {@link BinOffloadTest}. */
@ExtendWith(NoLeftovers.class)
@Timeout(30)
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldExitTwoNamingTheHandlerAndClassWhenAHandlerCannotLoad() throws IOException {
        Path config = Files.writeString(dir.resolve("offload.yaml"), TestConfigs.oneWorkerYaml()
                + "  oops: com.example.Missing\n");

        Cli.Run run = Cli.run("serve", "--config", config.toString(), "--port", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("offload: ").contains("handler 'oops'").contains("com.example.Missing");
        assertThat(NoLeftovers.liveWorkers()).isEmpty();
    }

    @Test
    void shouldExitTwoWhenTheHandlerIsNotAJobHandler() throws IOException {
        Path config = Files.writeString(dir.resolve("offload.yaml"), TestConfigs.oneWorkerYaml()
                + "  plain: dev.offload.service.handlers.NotAHandler\n");

        Cli.Run run = Cli.run("serve", "--config", config.toString(), "--port", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("handler 'plain'").contains("does not implement");
    }

    @Test
    void shouldExitTwoForAnInvalidConfigOrPort() throws IOException {
        Path config = Files.writeString(dir.resolve("offload.yaml"), "queue: { capacity: 0 }\n");

        Cli.Run badConfig = Cli.run("serve", "--config", config.toString());
        Cli.Run badPort = Cli.run("serve", "--port", "70000");

        assertThat(badConfig.status()).isEqualTo(2);
        assertThat(badConfig.err()).startsWith("offload: ").contains("queue.capacity");
        assertThat(badPort.status()).isEqualTo(2);
        assertThat(badPort.err()).contains("--port must be between 0 and 65535 (got 70000)");
    }

    @Test
    void shouldExitOneSayingWhyTheJournalDirectoryCannotBeUsed() throws IOException {
        Path config = Files.writeString(dir.resolve("offload.yaml"), TestConfigs.oneWorkerYaml());
        Path notADirectory = Files.writeString(dir.resolve("journal"), "x");

        Cli.Run run = Cli.run("serve", "--config", config.toString(), "--port", "0", "--journal", notADirectory.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("offload: cannot use journal.dir " + notADirectory + ": it is not a directory\n");
        assertThat(NoLeftovers.liveWorkers()).isEmpty();
    }

    @Test
    void shouldExitTwoNamingTheHttpOptionThatIsOutOfRange() {
        assertThat(Cli.run("serve", "--io-threads", "0").err()).contains("--io-threads must be between 1 and 256 (got 0)");
        assertThat(Cli.run("serve", "--max-connections", "0").err()).contains("--max-connections must be at least 1 (got 0)");
        assertThat(Cli.run("serve", "--max-header-bytes", "100").err())
                .contains("--max-header-bytes must be between 1024 and 1048576 (got 100)");
        assertThat(Cli.run("serve", "--body-timeout", "0s").err())
                .contains("--body-timeout must be a positive duration such as 500ms, 10s or 2m (got 0ms)");

        assertThat(Cli.run("serve", "--warmup", "6m").err()).contains("--warmup must be at most 5m (got 6m)");
        assertThat(Cli.run("serve", "--warmup", "ten").err()).contains("'ten' is not a duration");
        Cli.Run notADuration = Cli.run("serve", "--header-timeout", "10");

        assertThat(notADuration.status()).isEqualTo(2);
        assertThat(notADuration.err()).contains("--header-timeout").contains("'10' is not a duration; write it as 500ms, 10s or 2m");
        assertThat(NoLeftovers.liveWorkers()).isEmpty();
    }
}
