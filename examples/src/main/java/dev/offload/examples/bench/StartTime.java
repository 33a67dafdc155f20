package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import dev.offload.examples.handlers.NoOp;
import dev.offload.pool.WorkerPool;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Figure 7: how long {@code WorkerPool.start} takes with the default config (one worker), as a new
 * user's plain {@code main} sees it. Each run is a fresh JVM, started with this JVM's own flags and
 * class path, that times its first {@code WorkerPool.start} (the caller's class loading included),
 * then a second start in the same, now warm, JVM (close to what a scale-up or a replacement after a
 * crash costs: mostly the worker JVM's own start). shm runs first, then pipe. Over shm it also
 * reports how long the first pool took until all its workers served over shm: a fresh JVM's first
 * workers start over pipes as stand-ins ({@code transport.shm.startOverPipe}).
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.StartTime [--runs=5] [--transports=shm,pipe]}</pre>
 *
 * {@code -Doffload.*} flags given to this JVM reach every run (e.g. {@code -Doffload.workers.cds=false}).
 */
public final class StartTime {
    private static final String CHILD = "child";

    private StartTime() {
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args, "runs", "transports", CHILD);
        if (a.has(CHILD)) {
            runOnce(a.text(CHILD));
            return;
        }
        int runs = a.intValue("runs", 5);
        Report.title(7, "WorkerPool.start with one worker, " + runs + " fresh JVMs per transport", BenchConfig.defaults("auto"));
        for (String transport : a.transports()) {
            List<long[]> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                results.add(fork(transport));
            }
            report("first start in a fresh JVM", transport, results.stream().mapToLong(r -> r[0]).toArray());
            report("second start in the same JVM", transport, results.stream().mapToLong(r -> r[1]).toArray());
            if (transport.equals("shm")) {
                report("first start in a fresh JVM, until every worker serves over shm", transport,
                        results.stream().mapToLong(r -> r[2]).toArray());
            }
        }
    }

    /**
     * In a fresh JVM: two pool starts, each checked with one job, timed without the job or reading
     * the config; for the first, also how long until every worker serves over the transport asked
     * for (over shm, a fresh JVM's first workers are pipe stand-ins, replaced in the background).
     */
    private static void runOnce(String transport) {
        long[] micros = new long[3];
        PoolConfig config = BenchConfig.defaults(transport);
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            try (WorkerPool pool = WorkerPool.start(config)) {
                micros[i] = (System.nanoTime() - start) / 1_000;
                pool.submit(NoOp.class, i).join();
                if (i == 0) {
                    micros[2] = BenchConfig.awaitTransport(pool, transport, start);
                }
            }
        }
        System.out.println("START " + micros[0] + " " + micros[1] + " " + micros[2]);
    }

    private static long[] fork(String transport) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StartTime.class.getName(), "--" + CHILD + "=" + transport));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("START ")) {
                    result = line;
                }
            }
        }
        if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0 || result == null) {
            child.destroyForcibly();
            throw new IllegalStateException("a " + transport + " run failed (exit " + (child.isAlive() ? "none" : child.exitValue())
                    + "); its stderr is above");
        }
        return Arrays.stream(result.substring(6).trim().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    /** The p50 column is the median run; "other" lists every run in order, in milliseconds. */
    private static void report(String caseName, String transport, long[] micros) {
        Histogram nanos = Report.nanosHistogram();
        Arrays.stream(micros).forEach(m -> nanos.recordValue(m * 1_000));
        String each = Arrays.stream(micros).mapToObj(m -> Long.toString(m / 1_000)).collect(Collectors.joining(", "));
        Report.latency(7, "WorkerPool.start: " + caseName, transport, nanos, "each run, in order: " + each + " ms");
    }
}
