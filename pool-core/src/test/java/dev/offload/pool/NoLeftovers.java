package dev.offload.pool;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After each test: no worker JVM descended from this JVM still runs (also through a child
 * {@code bin/offload} process), and no shm directory of this JVM is left. Waits a little for
 * processes already told to exit.
 */
public final class NoLeftovers implements AfterEachCallback {
    static final Path SHM = Path.of("/dev/shm");
    private static final String WORKER_MAIN = "dev.offload.worker.internal.WorkerMain";

    @Override
    public void afterEach(ExtensionContext context) {
        await("worker JVMs of " + context.getDisplayName() + " to exit")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(liveWorkers()).as("worker JVMs still running").isEmpty());
        await("shm directories of " + context.getDisplayName() + " to go")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(shmLeftovers(ProcessHandle.current().pid()))
                        .as("shm directories left behind").isEmpty());
    }

    public static List<String> liveWorkers() {
        return liveWorkerProcesses().stream()
                .map(p -> p.pid() + " " + commandLine(p).substring(0, Math.min(160, commandLine(p).length())) + "...")
                .toList();
    }

    /** The worker JVMs descended from this JVM that are running now. */
    public static List<ProcessHandle> liveWorkerProcesses() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).contains(WORKER_MAIN))
                .toList();
    }

    /**
     * The whole command line. {@code ProcessHandle.Info.commandLine()} is cut at about 4 KB on
     * Linux, and a worker's class path under Surefire is longer than that, which would hide the
     * main class at its end; /proc has all of it.
     */
    private static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | UnsupportedOperationException e) {
            return process.info().commandLine().orElse(""); // no /proc, or the process just ended
        }
    }

    /** The {@code offload-<pid>-*} directories a pool of process {@code pid} made under /dev/shm. */
    public static List<Path> shmLeftovers(long pid) {
        if (!Files.isDirectory(SHM)) {
            return List.of();
        }
        String prefix = "offload-" + pid + "-";
        try (Stream<Path> entries = Files.list(SHM)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + SHM, e);
        }
    }
}
