package dev.offload.pool;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After each test: no worker JVM of this test JVM is still running, and no shm directory this JVM
 * made is left under /dev/shm. Waits a little for processes already told to exit.
 */
public final class NoLeftovers implements AfterEachCallback {
    static final Path SHM = Path.of("/dev/shm");

    @Override
    public void afterEach(ExtensionContext context) {
        await("worker processes of " + context.getDisplayName() + " to exit")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(liveWorkers()).as("worker JVMs still running").isEmpty());
        assertThat(shmLeftovers()).as("shm directories left behind").isEmpty();
    }

    static List<String> liveWorkers() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("dev.offload.worker.WorkerMain"))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .collect(Collectors.toList());
    }

    static List<Path> shmLeftovers() {
        String prefix = "offload-" + ProcessHandle.current().pid() + "-";
        try (Stream<Path> entries = Files.list(SHM)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(prefix)).collect(Collectors.toList());
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + SHM, e);
        }
    }
}
