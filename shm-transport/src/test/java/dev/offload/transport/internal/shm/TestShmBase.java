package dev.offload.transport.internal.shm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** True while {@code reader} is blocked reading its doorbell (a native read: RUNNABLE, not WAITING). */
    static boolean blockedOnDoorbell(Thread reader) {
        if (reader == null) {
            return false;
        }
        for (StackTraceElement frame : reader.getStackTrace()) {
            if (frame.getClassName().equals(Doorbell.class.getName()) && frame.getMethodName().equals("await")) {
                return true;
            }
        }
        return false;
    }
}
