package dev.offload.service;

import dev.offload.transport.internal.shm.ChronicleSupport;
import dev.offload.transport.internal.shm.JvmFlagFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code offload jvm-flags}: the flags an application's JVM needs to run a pool over shared memory. */
@Command(name = "jvm-flags", mixinStandardHelpOptions = true,
        description = {
            "Prints the JVM flags an application's JVM needs to run an Offload pool over shared",
            "memory, one per line, as a java argument file:",
            "  offload jvm-flags > offload.args",
            "  java @offload.args -cp APP_CLASS_PATH MAIN",
            "Chronicle Queue's --add-exports/--add-opens for the modules this JDK has, and the",
            "properties that keep it quiet; on JDK 23 and later (the JDK that runs this command)",
            "also the flags that allow its sun.misc.Unsafe memory access and native code.",
            "Workers get these flags from the pool itself."})
final class JvmFlagsCommand implements Callable<Integer> {

    @Option(names = "--cluster", description = "Also the flags Hazelcast asks for (an application that runs ClusterPool).")
    boolean cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        flags(cluster).forEach(out::println);
        out.flush();
        return 0;
    }

    static List<String> flags(boolean cluster) {
        List<String> flags = new ArrayList<>(ChronicleSupport.requiredJvmFlags());
        if (cluster) {
            flags.addAll(JvmFlagFiles.read(JvmFlagFiles.CLUSTER));
        }
        flags.addAll(ChronicleSupport.jdk23JvmFlags());
        flags.addAll(ChronicleSupport.quietSystemPropertyFlags());
        return List.copyOf(flags);
    }
}
