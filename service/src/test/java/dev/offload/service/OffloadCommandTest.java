package dev.offload.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The top-level command: help, version, and what happens without a subcommand. */
@Timeout(30)
class OffloadCommandTest {

    @Test
    void shouldPrintTheVersion() {
        Cli.Run run = Cli.run("--version");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("0.1.0-SNAPSHOT");
    }

    @Test
    void shouldListTheSubcommandsInHelp() {
        Cli.Run run = Cli.run("--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: offload").contains("serve").contains("bench").contains("config");
    }

    @Test
    void shouldExitTwoWithUsageWhenNoSubcommandIsGiven() {
        Cli.Run run = Cli.run();

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required subcommand").contains("Usage: offload");
    }

    @Test
    void shouldDescribeServeOptionsAndDefaults() {
        Cli.Run run = Cli.run("serve", "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("--config=FILE").contains("--port").contains("8080").contains("127.0.0.1");
    }
}
