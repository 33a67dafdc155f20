package dev.offload.pool;

import dev.offload.pool.handlers.Echo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idle pool burns (almost) no CPU: no reader spins once its budget is spent, and the
 * supervisor parks between rare ticks. Reads utime+stime of the caller's JVM and of every worker
 * from /proc over a few seconds of idleness. This is CPU time, not latency, so noise from other
 * processes on the machine does not inflate it.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdleCpuTest {
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    @ParameterizedTest
    @ValueSource(strings = {"shm", "pipe"})
    void shouldUseAlmostNoCpuWhenIdle(String transport) throws Exception {
        // A short idle timeout: the window also covers slots that passed it but stay (at workers.min).
        var config = TestPools.config(transport, 2).idleTimeout(java.time.Duration.ofMillis(200)).build();
        try (WorkerPool pool = WorkerPool.start(config)) {
            for (int i = 0; i < 2_000; i++) {
                pool.submit(Echo.class, "warm" + i).join(); // JIT and class loading done before measuring
            }
            // Let the workers' own JIT compiler threads settle before measuring.
            new CountDownLatch(1).await(2, TimeUnit.SECONDS);
            List<Long> pids = new ArrayList<>();
            pids.add(ProcessHandle.current().pid());
            ProcessHandle.current().children().forEach(p -> pids.add(p.pid()));
            assertThat(pids).hasSize(3);

            long before = cpuTicks(pids);
            long start = System.nanoTime();
            new CountDownLatch(1).await(5, TimeUnit.SECONDS); // idle on purpose: this is the measurement window
            long ticks = cpuTicks(pids) - before;
            double seconds = (System.nanoTime() - start) / 1e9;
            double percentOfOneCore = 100.0 * ticks / CLOCK_TICKS_PER_SECOND / seconds;
            System.out.printf("idle[%s]: caller + 2 workers used %d ticks in %.1f s = %.2f%% of one core%n",
                    transport, ticks, seconds, percentOfOneCore);
            assertThat(percentOfOneCore).isLessThanOrEqualTo(5.0);
        }
    }

    private static long cpuTicks(List<Long> pids) throws IOException {
        long total = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return total;
    }
}
