package dev.offload.service;

import dev.offload.config.PoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code offload config [FILE]}. */
@Timeout(30)
class ConfigCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldExitTwoNamingTheKeyForAnInvalidFile() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "workers: { max: -1 }\n");

        Cli.Run run = Cli.run("config", bad.toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("offload: ").contains("workers.max").contains("-1");
    }

    @Test
    void shouldExitTwoForAnUnknownKeyAndForAMissingFile() throws IOException {
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "workers: { maxx: 2 }\n");

        Cli.Run unknown = Cli.run("config", typo.toString());
        Cli.Run missing = Cli.run("config", dir.resolve("missing.yaml").toString());

        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("workers.maxx");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).startsWith("offload: ").contains("missing.yaml");
    }

    @Test
    void shouldPrintYamlThatLoadsBackToTheSameConfig() throws IOException {
        Path good = Files.writeString(dir.resolve("good.yaml"), TestConfigs.oneWorkerYaml() + "queue: { capacity: 7 }\n");

        Cli.Run run = Cli.run("config", good.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("capacity: 7").contains("fib: dev.offload.service.demo.Fibonacci");
        Path printed = Files.writeString(dir.resolve("printed.yaml"), run.out());
        assertThat(PoolConfig.load(printed)).isEqualTo(PoolConfig.load(good));
    }

    @Test
    void shouldPrintTheBundledDefaultWithTheDemoHandlersWithoutAFile() throws IOException {
        Cli.Run run = Cli.run("config");

        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("fib: dev.offload.service.demo.Fibonacci")
                .contains("sleep: dev.offload.service.demo.Sleep")
                .contains("sha256: dev.offload.service.demo.Sha256");
        Path printed = Files.writeString(dir.resolve("printed.yaml"), run.out());
        assertThat(PoolConfig.load(printed)).isEqualTo(ServiceConfig.bundledDefault());
        assertThat(ServiceConfig.bundledDefault().maxWorkers()).isEqualTo(PoolConfig.fromEnvironment().maxWorkers());
    }
}
