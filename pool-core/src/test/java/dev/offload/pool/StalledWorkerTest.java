package dev.offload.pool;

import dev.offload.config.PoolConfig;
import dev.offload.pool.handlers.Pid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker that does not run (stopped, as a debugger or a frozen cgroup stops it; on busy cores a
 * niced worker waits milliseconds for one) while jobs wait in it: the jobs it has not started go to
 * the other worker, and it skips them once it runs again. Real forked workers over shm, stopped
 * with SIGSTOP.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StalledWorkerTest {

    @Test
    void jobsWaitingInAStoppedWorkerShouldRunOnTheOtherOnceAndTheStoppedOneShouldSkipThemWhenItRunsAgain() throws Exception {
        PoolConfig config = TestPools.config("shm", 2).heartbeatTimeout(Duration.ofSeconds(60)).build();
        try (WorkerPool pool = WorkerPool.start(config)) {
            awaitBothHoldingSeveral(pool);
            long submittedBefore = pool.stats().completed();
            WorkerLink stopped = pool.links()[0];
            long stoppedPid = stopped.worker.pid();
            signal("STOP", stoppedPid);
            List<long[]> whileStopped;
            try {
                whileStopped = runAll(pool, 200);
                assertThat(whileStopped).extracting(r -> r[0]).as("every job answered by the running worker")
                        .doesNotContain(stoppedPid);
                assertThat(pool.counters().withdrawn.sum()).as("jobs taken back from the stopped worker").isPositive();
            } finally {
                signal("CONT", stoppedPid);
            }
            // Back: it skips what was taken from it (an answer to one would get it killed) and gets jobs again.
            Set<Long> pids = new HashSet<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                runAll(pool, 16).forEach(r -> pids.add(r[0]));
                return pids.contains(stoppedPid);
            });
            PoolStats stats = pool.stats();
            assertThat(stats.crashes()).isZero();
            assertThat(stats.restarts()).isZero();
            assertThat(stats.failed()).isZero();
            assertThat(stats.completed() - submittedBefore).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void aWorkerStoppedWithNothingLeftInItShouldBeKilledAfterTheHeartbeatTimeoutAndReplaced() throws Exception {
        PoolConfig config = TestPools.config("shm", 2).heartbeatTimeout(Duration.ofSeconds(2)).build();
        try (WorkerPool pool = WorkerPool.start(config)) {
            awaitBothHoldingSeveral(pool);
            long stoppedPid = pool.links()[0].worker.pid();
            signal("STOP", stoppedPid);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    runAll(pool, 64);
                    return pool.counters().withdrawn.sum() > 0;
                });
                await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(stoppedPid).isEmpty()
                        || !ProcessHandle.of(stoppedPid).get().isAlive());
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(stoppedPid)).start().waitFor(10, TimeUnit.SECONDS); // gone by now, if all went well
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> pool.stats().workers() == 2);
            assertThat(runAll(pool, 64)).extracting(r -> r[0]).doesNotContain(stoppedPid);
        }
    }

    /** Tiny jobs until both workers have answered enough of them to hold several at once (their credit). */
    private static void awaitBothHoldingSeveral(WorkerPool pool) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            runAll(pool, 64);
            WorkerLink[] links = pool.links();
            return links.length == 2 && Arrays.stream(links).allMatch(l -> l.credit() > 4);
        });
    }

    /** Submits {@code n} tiny jobs at once and waits for them all. */
    private static List<long[]> runAll(WorkerPool pool, int n) throws Exception {
        List<CompletableFuture<long[]>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(Pid.class, 0L));
        }
        List<long[]> results = new ArrayList<>();
        for (CompletableFuture<long[]> f : futures) {
            results.add(f.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + name + " " + pid).isZero();
        if (name.equals("STOP")) { // delivered asynchronously: until the kernel says it is stopped, it may still answer
            await("worker " + pid + " stopped").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                    .until(() -> allThreadsStopped(pid));
        }
    }

    /** True when every thread of the process is in state T in {@code /proc/<pid>/task/<tid>/stat}. */
    private static boolean allThreadsStopped(long pid) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                if (stat.charAt(stat.lastIndexOf(')') + 2) != 'T') {
                    return false;
                }
            }
        }
        return true;
    }
}
