package dev.offload.service.bench;

import dev.offload.config.ConfigException;
import dev.offload.config.PoolConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code offload bench}: round-trip latency and throughput of no-op jobs over shm and pipe, side
 * by side. For careful numbers use the JMH benchmarks; this is the quick look.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measures job latency and throughput over shm and pipe, side by side.",
            "No-op jobs, on one worker (HdrHistogram percentiles): sequential round trips",
            "(roundtrip); round trips that never block, each job submitted from the last",
            "one's completion callback on a Netty event loop that reads the pool's answers",
            "itself, as offload serve's loop does (callback); round trips of a large",
            "payload (large). Then throughput with many jobs in flight on --workers",
            "workers (throughput). Other pool settings come from --config, -Doffload.* and",
            "OFFLOAD_* (e.g. OFFLOAD_JOBS_COMPLETION=direct)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:measured (a transport that could not start is reported, not an error)",
            "1:measured, but the --html page or the --hgrm files could not be written",
            "2:invalid option, config or override"})
public final class BenchCommand implements Callable<Integer> {

    enum Transports {
        shm, pipe, both;

        List<String> names() {
            return this == both ? List.of("shm", "pipe") : List.of(name());
        }
    }

    @Option(names = "--transport", defaultValue = "both", paramLabel = "shm|pipe|both",
            description = "transport(s) to measure (default: ${DEFAULT-VALUE})")
    Transports transports;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "10000", description = "measured round trips and throughput jobs (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--payload", defaultValue = "16", paramLabel = "BYTES", description = "input and result size (default: ${DEFAULT-VALUE})")
    int payloadBytes;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "workers for the throughput phase (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "50000",
            description = "unmeasured round trips before the sequential and the callback phase (default: ${DEFAULT-VALUE}; the callback path needs some 50,000 before it runs at its steady pace)")
    int warmup;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "10",
            description = "before the warm-up jobs, no-op round trips for this long on each new pool: a pool's "
                    + "round trips settle some 10 s after it starts, as the JIT finishes in both JVMs (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = "256", description = "jobs kept in flight for throughput (default: ${DEFAULT-VALUE})")
    int inFlight;

    @Option(names = "--cases", split = ",", paramLabel = "CASE[,CASE...]", defaultValue = "roundtrip,throughput,callback,large",
            description = "what to measure, of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    List<BenchCase> cases;

    @Option(names = "--large-payload", paramLabel = "BYTES", defaultValue = "1048576",
            description = "input and result size of the large case (default: ${DEFAULT-VALUE}, 1 MiB)")
    int largePayloadBytes;

    @Option(names = "--large-jobs", paramLabel = "N", defaultValue = "1000",
            description = "measured round trips of the large case (default: ${DEFAULT-VALUE})")
    int largeJobs;

    @Option(names = "--large-warmup", paramLabel = "N", defaultValue = "200",
            description = "unmeasured round trips before the large case (default: ${DEFAULT-VALUE})")
    int largeWarmup;

    @Option(names = "--throughput-jobs", paramLabel = "N", defaultValue = "200000",
            description = "measured jobs of the throughput phase (default: ${DEFAULT-VALUE})")
    int throughputJobs;

    @Option(names = "--throughput-warmup", paramLabel = "N", defaultValue = "400000",
            description = "unmeasured jobs before the throughput phase, for the JIT to reach its steady state (default: ${DEFAULT-VALUE})")
    int throughputWarmup;

    @Option(names = "--json", description = "print a JSON document instead of a table")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write a self-contained HTML page: each case's latency by percentile, and the throughput")
    Path htmlFile;

    @Option(names = "--hgrm", paramLabel = "DIR",
            description = "also write each case's HdrHistogram percentile distribution (µs) to DIR/<transport>-<case>.hgrm")
    Path hgrmDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "pool settings (heap, JVM args, spin...) from a config file; its handlers are ignored")
    Path configFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        BenchSettings settings = settings();
        PrintWriter err = spec.commandLine().getErr();
        PoolConfig base;
        try {
            base = configFile == null ? PoolConfig.fromEnvironment() : PoolConfig.load(configFile);
        } catch (ConfigException e) {
            err.println("offload: " + e.getMessage());
            return 2;
        }
        atMostFrameLimit("--payload", payloadBytes, base);
        if (settings.runs(BenchCase.large)) {
            atMostFrameLimit("--large-payload", largePayloadBytes, base);
        }
        writableOutputs();
        quietPoolLogs();
        TransportBench bench = new TransportBench(base, settings, line -> {
            err.println("bench " + line + "...");
            err.flush();
        });
        List<BenchResult> results = new ArrayList<>();
        for (String transport : transports.names()) {
            results.add(bench.run(transport));
        }
        BenchReport report = new BenchReport(settings, results);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() : report.table());
        out.flush();
        return writeFiles(settings, results, err);
    }

    /** Before measuring: an output that cannot be written should not cost a whole run to find out. */
    private void writableOutputs() {
        if (htmlFile != null) {
            Path parent = htmlFile.toAbsolutePath().getParent();
            if (Files.isDirectory(htmlFile) || parent == null || !Files.isDirectory(parent)) {
                throw new ParameterException(spec.commandLine(), "--html must name a file in an existing directory (got "
                        + htmlFile + ")");
            }
        }
        if (hgrmDir != null) {
            try {
                Files.createDirectories(hgrmDir);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--hgrm: cannot create the directory " + hgrmDir + ": " + e);
            }
        }
    }

    private int writeFiles(BenchSettings settings, List<BenchResult> results, PrintWriter err) {
        try {
            if (htmlFile != null) {
                Files.writeString(htmlFile, new BenchPage(settings, results, Instant.now()).html());
                err.println("bench: wrote " + htmlFile);
            }
            if (hgrmDir != null) {
                for (Path file : HgrmFiles.write(hgrmDir, LatencySeries.of(settings, results))) {
                    err.println("bench: wrote " + file);
                }
            }
            return 0;
        } catch (IOException e) {
            err.println("offload: the results were printed, but not all files were written: " + e);
            return 1;
        } finally {
            err.flush();
        }
    }

    private BenchSettings settings() {
        positive("--jobs", jobs, 1);
        positive("--payload", payloadBytes, 0);
        positive("--workers", workers, 1);
        positive("--warmup", warmup, 0);
        positive("--warmup-seconds", warmupSeconds, 0);
        positive("--in-flight", inFlight, 1);
        positive("--large-payload", largePayloadBytes, 0);
        positive("--large-jobs", largeJobs, 1);
        positive("--large-warmup", largeWarmup, 0);
        positive("--throughput-jobs", throughputJobs, 1);
        positive("--throughput-warmup", throughputWarmup, 0);
        if (cases.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--cases must name at least one case");
        }
        return new BenchSettings(jobs, warmup, warmupSeconds, payloadBytes, workers, inFlight, EnumSet.copyOf(cases),
                largePayloadBytes, largeJobs, largeWarmup, throughputJobs, throughputWarmup);
    }

    private void atMostFrameLimit(String option, int bytes, PoolConfig config) {
        if (bytes > config.maxFrameBytes()) {
            throw new ParameterException(spec.commandLine(), option + " must be at most transport.maxFrameBytes ("
                    + config.maxFrameBytes() + " bytes, got " + bytes + ")");
        }
    }

    private void positive(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + min + " (got " + value + ")");
        }
    }

    /**
     * Pool start and stop lines would interleave with the progress lines; slf4j-simple reads a
     * logger's level when the logger is made, so this works for loggers not made yet.
     */
    private static void quietPoolLogs() {
        if (System.getProperty("org.slf4j.simpleLogger.log.dev.offload") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.offload", "warn");
        }
    }
}
