package dev.offload.transport.internal.shm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cleaner thread deletes what a reader finished, by the rule in {@link FinishedCycles}, and goes when idle. */
@Timeout(30)
class FinishedCyclesTest {
    @RegisterExtension
    final TestShmBase.PerTest base = TestShmBase.perTest();

    @Test
    void shouldDeleteTheFilesBeforeTheReadersCurrentOneButTheNewestOfThemAndThenEnd() throws IOException {
        Path dir = base.path().resolve("q");
        Files.createDirectories(dir);
        for (String name : List.of("20261130-1200.cq4", "20261130-1201.cq4", "20261130-1202.cq4", "20261130-1203.cq4",
                "metadata.cq4t", "notes.txt")) {
            Files.writeString(dir.resolve(name), "x");
        }

        FinishedCycles.deleteBefore(dir, "20261130-1201.cq4", "test");
        await().atMost(Duration.ofSeconds(10)).until(() -> !FinishedCycles.busy());
        assertThat(names(dir)).as("the newest file before the current one stays, even with newer files after it")
                .containsExactly("20261130-1200.cq4", "20261130-1201.cq4", "20261130-1202.cq4", "20261130-1203.cq4",
                        "metadata.cq4t", "notes.txt");

        FinishedCycles.deleteBefore(dir, "20261130-1203.cq4", "test");
        await().atMost(Duration.ofSeconds(10)).until(() -> !FinishedCycles.busy());
        assertThat(names(dir)).as("what is older than that goes; nothing that is not a cycle file")
                .containsExactly("20261130-1202.cq4", "20261130-1203.cq4", "metadata.cq4t", "notes.txt");

        FinishedCycles.deleteBefore(base.path().resolve("gone"), "20261130-1203.cq4", "test"); // a closed pool's directory
        await().atMost(Duration.ofSeconds(20)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("offload-cycle-cleaner")));
        ShmFiles.deleteRecursively(dir);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
