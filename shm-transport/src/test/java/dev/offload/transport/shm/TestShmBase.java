package dev.offload.transport.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A per-test base directory under /dev/shm ({@code offload-test-<random>}), standing in for the
 * pool's shm base, so a test sees only its own leftovers and never touches a real pool's.
 */
final class TestShmBase {
    private final Path path;

    private TestShmBase(Path path) {
        this.path = path;
    }

    static TestShmBase create() throws IOException {
        return new TestShmBase(Files.createDirectory(
                Path.of("/dev/shm", "offload-test-" + UUID.randomUUID().toString().substring(0, 8))));
    }

    Path path() {
        return path;
    }

    /** Waits for the doorbell listeners of the named channels to end: no thread outlives its channel. */
    static void awaitDoorbellThreadsGone(String... channelNames) {
        Set<String> names = Arrays.stream(channelNames).map(n -> "offload-doorbell-" + n).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> names.contains(t.getName()) && t.isAlive()).as("doorbell threads still alive").isEmpty());
    }

    /** Fails if anything is left under the base (a pool directory outlived its pool); deletes it all. */
    void assertEmptyAndDelete() throws IOException {
        List<Path> left;
        try (Stream<Path> entries = Files.list(path)) {
            left = entries.toList();
        }
        try {
            assertThat(left).as("left over under %s", path).isEmpty();
        } finally {
            ShmFiles.deleteRecursively(path);
        }
    }
}
