package dev.offload.service;

import dev.offload.service.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code offload}: the command line of the Offload service. */
@Command(name = "offload", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Runs CPU-heavy jobs in a pool of forked worker JVMs.",
        subcommands = {ServeCommand.class, BenchCommand.class, ConfigCommand.class, JvmFlagsCommand.class,
            CommandLine.HelpCommand.class})
public final class OffloadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new OffloadCommand()).execute(args));
    }
}
