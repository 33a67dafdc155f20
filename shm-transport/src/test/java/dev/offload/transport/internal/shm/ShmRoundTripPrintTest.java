package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints the raw round-trip cost of the shm transport between two threads of one JVM: no
 * assertion on the figures (latency belongs to the jmh module and {@code offload bench}); this is
 * a quick look at what a frame costs before any pool logic. Two gates: one that lets both sides
 * spin (the transport's best case, one core each), and the JVM-wide default.
 */
class ShmRoundTripPrintTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 100_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void printRoundTripPercentiles() throws Exception {
        measure("both sides spinning", new SpinGate(2));
        measure("shared gate " + SpinGate.shared(), SpinGate.shared());
    }

    private static void measure(String label, SpinGate gate) throws Exception {
        try (ShmFixture shm = new ShmFixture(new ChannelOptions(64 * 1024, 50_000), gate)) {
            int total = WARM_UP + MEASURED;
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < total; i++) {
                        Frame f = shm.worker.receive();
                        shm.worker.send(f);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, command -> new Thread(command, "offload-test-echo").start());
            Frame ping = Frame.of(FrameType.JOB, 1, 1, new byte[32]);
            long[] nanos = new long[MEASURED];
            for (int i = 0; i < total; i++) {
                long t0 = System.nanoTime();
                shm.parent.send(ping);
                shm.parent.receive();
                if (i >= WARM_UP) {
                    nanos[i - WARM_UP] = System.nanoTime() - t0;
                }
            }
            echo.get(10, TimeUnit.SECONDS);
            Arrays.sort(nanos);
            System.out.printf("round trip, 32-byte JOB frame, %s: p50 %.2f us, p99 %.2f us, p99.9 %.2f us, max %.0f us"
                            + " (%,d round trips; %d cores; doorbell sleeps parent %d, worker %d)%n",
                    label, pct(nanos, 50), pct(nanos, 99), pct(nanos, 99.9), nanos[nanos.length - 1] / 1e3,
                    MEASURED, Runtime.getRuntime().availableProcessors(),
                    shm.parent.inboundCounters().sleeps(), shm.worker.inboundCounters().sleeps());
            assertThat(nanos[0]).isPositive();
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)] / 1e3;
    }
}
