package dev.offload.pool;

import dev.offload.config.PoolConfig;
import dev.offload.pool.handlers.Echo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Starting a pool without blocking, and stopping one whose shared memory will not go. */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolLifecycleTest {

    @Test
    void shouldStartAsyncOnAnotherThreadAndCompleteWithAWorkingPool() throws Exception {
        CompletableFuture<WorkerPool> starting = WorkerPool.startAsync(TestPools.config("shm", 1).build());
        assertThat(starting).as("a worker JVM cannot have started already").isNotDone();
        try (WorkerPool pool = starting.get(60, TimeUnit.SECONDS)) {
            assertThat(pool.submit(Echo.class, "up").get(30, TimeUnit.SECONDS)).isEqualTo("up");
            assertThat(pool.stats().workers()).isEqualTo(1);
        }
    }

    @Test
    void shouldFailStartAsyncWithWhatStartWouldThrow() {
        PoolConfig config = TestPools.config("shm", 1).shmDir(Path.of("/no/such/dir")).build();
        Throwable thrown = catchThrowable(() -> WorkerPool.startAsync(config).get(60, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(OffloadException.class)
                .hasMessageContaining("cannot use transport.shm.dir /no/such/dir");
    }

    /**
     * A file nested deeper than PATH_MAX (4096 bytes) cannot be reached by path, so the pool cannot
     * delete its directory (not even as root): shutdown() still completes, exceptionally, naming the
     * directory, and everything else is gone.
     */
    @Test
    void shouldCompleteShutdownWhenItsShmDirectoryCannotBeDeleted() throws Exception {
        WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build());
        List<Path> dirs = NoLeftovers.shmLeftovers(ProcessHandle.current().pid());
        assertThat(dirs).hasSize(1);
        Path dir = dirs.get(0);
        try {
            bash("cd \"$1\" && d=$(printf 'd%.0s' $(seq 1 200)) && for i in $(seq 1 24); do mkdir \"$d\" && cd \"$d\"; done"
                    + " && touch leaf", dir);
            Throwable thrown = catchThrowable(() -> pool.shutdown().get(60, TimeUnit.SECONDS));
            assertThat(thrown).isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause()).isInstanceOf(OffloadException.class)
                    .hasMessageContaining("the pool stopped, but not cleanly")
                    .hasMessageContaining("could not delete shm directory " + dir);
            assertThat(NoLeftovers.liveWorkers()).isEmpty();
            pool.close(); // idempotent, and quiet: the failure was reported once, by shutdown()
        } finally {
            bash("rm -rf \"$1\"", dir);
        }
    }

    private static void bash(String script, Path dir) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script, "bash", dir.toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("bash: " + script).isZero();
    }
}
