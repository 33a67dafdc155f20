package dev.offload.bench;

import dev.offload.transport.internal.shm.ChronicleSupport;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of {@code benchmarks.jar}: JMH's own command line, with the JVM flags the shm
 * transport needs put in front of every forked benchmark JVM's options ({@code -jvmArgsPrepend}).
 * The flags are read from shm-transport's {@code META-INF/offload/jvm-flags.txt}, which the build
 * makes from the parent pom; an annotation could only hold a copy. A {@code -jvmArgsPrepend} of the
 * user's comes after them; {@code -jvmArgs} and {@code -jvmArgsAppend} are JMH's as usual.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws IOException {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            org.openjdk.jmh.Main.main(args); // JMH prints the error and its help
            return;
        }
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams() || cmd.shouldListProfilers()
                || cmd.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        List<String> prepend = new ArrayList<>(ChronicleSupport.jvmFlags());
        if (cmd.getJvmArgsPrepend().hasValue()) {
            prepend.addAll(cmd.getJvmArgsPrepend().get());
        }
        try {
            new Runner(new OptionsBuilder().parent(cmd).jvmArgsPrepend(prepend.toArray(String[]::new)).build()).run();
        } catch (RunnerException e) {
            System.err.println("ERROR: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }
}
