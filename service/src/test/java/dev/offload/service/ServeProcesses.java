package dev.offload.service;

import dev.offload.cluster.ProcessMarker;
import dev.offload.transport.internal.shm.ShmDirectory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code bin/offload serve} processes of one IT, each JVM and its workers marked
 * ({@link ProcessMarker}); after the test every one is stopped (SIGTERM, then SIGKILL) and nothing
 * may be left: no service or worker JVM, even of a service the test killed, whose workers exit by
 * themselves; and the shm directories a killed service left are swept, as its next start would.
 * Start may be called from several threads at once.
 */
final class ServeProcesses implements AfterEachCallback {
    static final Duration READY = Duration.ofSeconds(90);

    private final ProcessMarker marker = new ProcessMarker();
    private final List<ServeProcess> started = new CopyOnWriteArrayList<>();

    /** {@code bin/offload serve --port 0 ARGS} in {@code dir}, with a heap of 256 MB; waits for its banner. */
    ServeProcess start(Path dir, String name, String... args) throws Exception {
        ServeProcess service = ServeProcess.start(dir, name, Map.of("OFFLOAD_OPTS", "-Xmx256m " + marker.flag()), READY, args);
        started.add(service);
        return service;
    }

    /** {@code workers.jvmArgs} in YAML: a fast start, small stacks, and the marker. */
    String workerJvmArgs() {
        return "[\"-XX:TieredStopAtLevel=1\", \"-XX:+UseSerialGC\", \"-Xss512k\", \"" + marker.flag() + "\"]";
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (ServeProcess service : started) {
            service.close();
        }
        await("JVMs of " + context.getDisplayName() + " to exit").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(marker.live()).as("service or worker JVMs still running").isEmpty());
        ShmDirectory.sweep(ShmDirectory.DEFAULT_BASE);
    }
}
