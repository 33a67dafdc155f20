package dev.offload.service.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The results of a bench run, side by side: as a table for people, or as JSON for tools. */
final class BenchReport {
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final String ROW = "%-10s %9s %9s %9s %9s %9s %11s%n";
    private static final String LATENCY_ROW = "%-10s %9s %9s %9s %9s %9s%n";
    private static final String NOT_RUN = "-";

    private final BenchSettings settings;
    private final List<BenchResult> results;

    BenchReport(BenchSettings settings, List<BenchResult> results) {
        this.settings = settings;
        this.results = List.copyOf(results);
    }

    String table() {
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "offload bench: %,d round trips of %d bytes on 1 worker after %,d warm-up; "
                        + "throughput: %,d jobs on %d worker(s), %d in flight, after %,d warm-up%n",
                settings.jobs(), settings.payloadBytes(), settings.warmup(), settings.throughputJobs(), settings.workers(),
                settings.inFlight(), settings.throughputWarmup()));
        if (settings.warmupSeconds() > 0) {
            out.append(String.format(Locale.ROOT, "each new pool first ran no-op round trips for %d s, while the JIT settles%n",
                    settings.warmupSeconds()));
        }
        out.append(String.format(Locale.ROOT, "JDK %s, %d processors%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors()));
        if (settings.runs(BenchCase.roundtrip) || settings.runs(BenchCase.throughput)) {
            out.append(String.format(Locale.ROOT, "%n" + ROW, "transport", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs", "jobs/s"));
            for (BenchResult r : results) {
                if (!unavailable(out, r)) {
                    BenchResult.Latency l = r.latencyMicros();
                    String jobsPerSecond = r.jobsPerSecond() == null ? NOT_RUN : String.format(Locale.ROOT, "%,d", r.jobsPerSecond());
                    out.append(l == null
                            ? String.format(Locale.ROOT, ROW, r.transport(), NOT_RUN, NOT_RUN, NOT_RUN, NOT_RUN, NOT_RUN, jobsPerSecond)
                            : String.format(Locale.ROOT, ROW, r.transport(), micros(l.p50()), micros(l.p90()), micros(l.p99()),
                                    micros(l.p999()), micros(l.max()), jobsPerSecond));
                }
            }
            ratio(out, BenchResult::latencyMicros);
        }
        if (settings.runs(BenchCase.callback)) {
            out.append(String.format(Locale.ROOT, "%ncallback: %,d round trips of %d bytes after %,d warm-up, each job submitted from "
                    + "the last one's completion callback on a Netty event loop that reads the answers (readAnswersOn)%n",
                    settings.jobs(), settings.payloadBytes(), settings.warmup()));
            latencyTable(out, BenchResult::callbackMicros);
        }
        if (settings.runs(BenchCase.large)) {
            out.append(String.format(Locale.ROOT, "%nlarge: %,d round trips of %s after %,d warm-up, the caller waiting in join()%n",
                    settings.largeJobs(), size(settings.largePayloadBytes()), settings.largeWarmup()));
            latencyTable(out, BenchResult::largePayloadMicros);
        }
        return out.toString();
    }

    private void latencyTable(StringBuilder out, Function<BenchResult, BenchResult.Latency> latency) {
        out.append(String.format(Locale.ROOT, LATENCY_ROW, "transport", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs"));
        for (BenchResult r : results) {
            if (!unavailable(out, r)) {
                BenchResult.Latency l = latency.apply(r);
                out.append(String.format(Locale.ROOT, LATENCY_ROW, r.transport(), micros(l.p50()), micros(l.p90()), micros(l.p99()),
                        micros(l.p999()), micros(l.max())));
            }
        }
        ratio(out, latency);
    }

    private static boolean unavailable(StringBuilder out, BenchResult r) {
        if (!r.available()) {
            out.append(String.format(Locale.ROOT, "%-10s unavailable: %s%n", r.transport(), r.reason()));
        }
        return !r.available();
    }

    private void ratio(StringBuilder out, Function<BenchResult, BenchResult.Latency> latency) {
        Double ratio = pipeToShmAtP50(latency);
        if (ratio != null) {
            out.append(String.format(Locale.ROOT, "pipe/shm at p50: %.1fx%n", ratio));
        }
    }

    String json() {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("jobs", settings.jobs());
        doc.put("warmup", settings.warmup());
        doc.put("warmupSeconds", settings.warmupSeconds());
        doc.put("payloadBytes", settings.payloadBytes());
        doc.put("workers", settings.workers());
        doc.put("inFlight", settings.inFlight());
        doc.put("cases", List.of(BenchCase.values()).stream().filter(settings::runs).map(Enum::name).toList());
        doc.put("largePayloadBytes", settings.largePayloadBytes());
        doc.put("largeJobs", settings.largeJobs());
        doc.put("largeWarmup", settings.largeWarmup());
        doc.put("throughputJobs", settings.throughputJobs());
        doc.put("throughputWarmup", settings.throughputWarmup());
        doc.put("jdk", Runtime.version().toString());
        doc.put("processors", Runtime.getRuntime().availableProcessors());
        doc.put("results", results);
        doc.put("pipeToShmP50", pipeToShmAtP50());
        doc.put("pipeToShmP50Callback", pipeToShmAtP50(BenchResult::callbackMicros));
        doc.put("pipeToShmP50LargePayload", pipeToShmAtP50(BenchResult::largePayloadMicros));
        try {
            return JSON.writeValueAsString(doc) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times slower a pipe round trip is than a shm one at the median; null unless both ran. */
    Double pipeToShmAtP50() {
        return pipeToShmAtP50(BenchResult::latencyMicros);
    }

    private Double pipeToShmAtP50(Function<BenchResult, BenchResult.Latency> latency) {
        Map<String, BenchResult.Latency> byTransport = new LinkedHashMap<>();
        results.stream().filter(BenchResult::available).filter(r -> latency.apply(r) != null)
                .forEach(r -> byTransport.put(r.transport(), latency.apply(r)));
        BenchResult.Latency shm = byTransport.get("shm");
        BenchResult.Latency pipe = byTransport.get("pipe");
        if (shm == null || pipe == null || shm.p50() <= 0) {
            return null;
        }
        return Math.round(pipe.p50() / shm.p50() * 10) / 10.0;
    }

    private static String micros(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String size(int bytes) {
        return bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}
