package dev.offload.transport.internal.shm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts {@link ShmChildMain} in a fresh JVM, with or without Chronicle's flags. */
final class ChildJvm {
    private ChildJvm() {
    }

    static ProcessBuilder builder(boolean chronicleFlags, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx64m");
        cmd.add("-XX:TieredStopAtLevel=1");
        if (chronicleFlags) {
            cmd.addAll(ChronicleSupport.requiredJvmFlags());
        }
        // No quiet -D flags on purpose: ShmChannel must set them itself.
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ShmChildMain.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().putAll(env);
        return builder;
    }

    static String run(ProcessBuilder builder, Path stderr) throws IOException, InterruptedException {
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        if (exit != 0) {
            throw new AssertionError("child exited " + exit + ": " + java.nio.file.Files.readString(stderr));
        }
        return out;
    }
}
