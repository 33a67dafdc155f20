package dev.offload.service;

import dev.offload.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code offload config [FILE]}: the effective config as YAML, or why it is invalid. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {
            "Prints the effective config as YAML, or why it is invalid.",
            "Layers: the defaults, then FILE (without FILE: the bundled default with the",
            "demo handlers fib, sleep and sha256), then -Doffload.* system properties,",
            "then OFFLOAD_* environment variables."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:printed", "2:the config is invalid (the message names the key)"})
final class ConfigCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "YAML or JSON config file")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            String yaml = ServiceConfig.load(file).toYaml();
            out.print(yaml);
            out.flush();
            return 0;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("offload: " + e.getMessage());
            return 2;
        }
    }
}
