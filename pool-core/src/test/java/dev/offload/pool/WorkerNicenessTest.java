package dev.offload.pool;

import dev.offload.pool.handlers.Square;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers run {@code workers.nice} below the caller's priority: every thread of theirs, those made
 * after the start (compiler threads, the job runner's) included, and the caller keeps its own.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerNicenessTest {

    @ParameterizedTest
    @ValueSource(strings = {"shm", "pipe"})
    void everyThreadOfAStartedWorkerShouldRunAtTheConfiguredNicenessBelowTheCaller(String transport) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/thread-self")), "Linux /proc");
        int caller = niceOf(Path.of("/proc/thread-self/stat"));
        int expected = Math.min(19, caller + 7);
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 2).workerNice(7).build())) {
            CompletableFuture<?>[] jobs = new CompletableFuture<?>[5_000];
            for (int i = 0; i < jobs.length; i++) {
                jobs[i] = pool.submit(Square.class, (long) i);
            }
            CompletableFuture.allOf(jobs).get(60, TimeUnit.SECONDS);
            List<Long> pids = Arrays.stream(pool.links()).map(link -> link.worker.pid()).toList();
            assertThat(pids).hasSize(2);
            for (long pid : pids) {
                Map<String, Integer> threads = nicenessByThread(pid);
                assertThat(threads).as("threads of worker %d", pid).hasSizeGreaterThan(5);
                assertThat(threads.values()).as("nice of every thread of worker %d: %s", pid, threads).containsOnly(expected);
            }
            assertThat(niceOf(Path.of("/proc/thread-self/stat"))).as("the caller keeps its own priority").isEqualTo(caller);
        }
    }

    private static Map<String, Integer> nicenessByThread(long pid) throws IOException {
        Map<String, Integer> nice = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    nice.put(task.getFileName().toString(), niceOf(task.resolve("stat")));
                } catch (NoSuchFileException e) {
                    // a thread that ended meanwhile
                }
            }
        }
        return nice;
    }

    /** Field 19 of a {@code stat} file; the command name in parentheses may hold spaces. */
    private static int niceOf(Path stat) throws IOException {
        String text = Files.readString(stat, StandardCharsets.US_ASCII);
        return Integer.parseInt(text.substring(text.lastIndexOf(')') + 2).split(" ")[16]);
    }
}
