package dev.offload.transport.internal.shm;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

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

    /**
     * One base per test, as a JUnit extension: made before each test, checked empty and deleted
     * after it ({@code @RegisterExtension final TestShmBase.PerTest base = TestShmBase.perTest();}).
     */
    static PerTest perTest() {
        return new PerTest();
    }

    static final class PerTest implements BeforeEachCallback, AfterEachCallback {
        private TestShmBase base;

        private PerTest() {
        }

        Path path() {
            return base.path();
        }

        @Override
        public void beforeEach(ExtensionContext context) throws IOException {
            base = create();
        }

        @Override
        public void afterEach(ExtensionContext context) throws IOException {
            base.assertEmptyAndDelete();
        }
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
