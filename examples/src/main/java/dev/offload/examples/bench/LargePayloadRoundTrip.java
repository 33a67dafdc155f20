package dev.offload.examples.bench;

import dev.offload.examples.handlers.EchoBytes;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;
import org.HdrHistogram.Histogram;

import java.util.Arrays;
import java.util.Random;

/**
 * Figure 4: a 1 MiB {@code byte[]} sent to a worker and echoed back, one round trip after the other
 * ({@code submit(...).get()}), with the default config; shm, then pipe, in the same JVM.
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.LargePayloadRoundTrip [--jobs=1000] [--warmup=200] [--bytes=1048576] [--transports=shm,pipe]}</pre>
 */
public final class LargePayloadRoundTrip {
    private LargePayloadRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args, "jobs", "warmup", "bytes", "transports");
        int jobs = a.intValue("jobs", 1_000);
        int warmup = a.intValue("warmup", 200);
        byte[] payload = new byte[a.intValue("bytes", 1 << 20)];
        new Random(42).nextBytes(payload);
        String caseName = "echo " + size(payload.length) + ": get()";
        Report.title(4, size(payload.length) + " byte[] echoed, submit(EchoBytes, bytes).get() in a loop, " + warmup + " warm-up",
                BenchConfig.defaults("auto"));
        for (String transport : a.transports()) {
            try (WorkerPool pool = BenchConfig.start(BenchConfig.defaults(transport))) {
                Histogram nanos = Report.nanosHistogram();
                for (int i = 0; i < warmup + jobs; i++) {
                    long start = System.nanoTime();
                    byte[] echoed = pool.submit(EchoBytes.class, payload).get();
                    long elapsed = System.nanoTime() - start;
                    if (i >= warmup) {
                        nanos.recordValue(elapsed);
                    }
                    if (i == 0 && !Arrays.equals(echoed, payload)) {
                        throw new IllegalStateException("the echo differs from what was sent");
                    }
                }
                Report.latency(4, caseName, pool.stats().transport(), nanos, "");
            } catch (OffloadException e) {
                Report.unavailable(4, caseName, transport, e);
            }
        }
    }

    private static String size(int bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " B";
    }
}
