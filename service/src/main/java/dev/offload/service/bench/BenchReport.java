package dev.offload.service.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of a bench run, side by side: as a table for people, or as JSON for tools. */
final class BenchReport {
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final String ROW = "%-10s %9s %9s %9s %9s %9s %11s%n";

    private final BenchSettings settings;
    private final List<BenchResult> results;

    BenchReport(BenchSettings settings, List<BenchResult> results) {
        this.settings = settings;
        this.results = List.copyOf(results);
    }

    String table() {
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "offload bench: %,d round trips of %d bytes on 1 worker after %,d warm-up; "
                        + "throughput with %d worker(s), %d jobs in flight%n",
                settings.jobs(), settings.payloadBytes(), settings.warmup(), settings.workers(), settings.inFlight()));
        out.append(String.format(Locale.ROOT, "JDK %s, %d processors%n%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors()));
        out.append(String.format(Locale.ROOT, ROW, "transport", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs", "jobs/s"));
        for (BenchResult r : results) {
            if (!r.available()) {
                out.append(String.format(Locale.ROOT, "%-10s unavailable: %s%n", r.transport(), r.reason()));
                continue;
            }
            BenchResult.Latency l = r.latencyMicros();
            out.append(String.format(Locale.ROOT, ROW, r.transport(), micros(l.p50()), micros(l.p90()), micros(l.p99()),
                    micros(l.p999()), micros(l.max()), String.format(Locale.ROOT, "%,d", r.jobsPerSecond())));
        }
        Double ratio = pipeToShmAtP50();
        if (ratio != null) {
            out.append(String.format(Locale.ROOT, "%npipe/shm at p50: %.1fx%n", ratio));
        }
        return out.toString();
    }

    String json() {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("jobs", settings.jobs());
        doc.put("warmup", settings.warmup());
        doc.put("payloadBytes", settings.payloadBytes());
        doc.put("workers", settings.workers());
        doc.put("inFlight", settings.inFlight());
        doc.put("jdk", Runtime.version().toString());
        doc.put("processors", Runtime.getRuntime().availableProcessors());
        doc.put("results", results);
        doc.put("pipeToShmP50", pipeToShmAtP50());
        try {
            return JSON.writeValueAsString(doc) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times slower a pipe round trip is than a shm one at the median; null unless both ran. */
    Double pipeToShmAtP50() {
        Map<String, BenchResult> byTransport = new LinkedHashMap<>();
        results.forEach(r -> byTransport.put(r.transport(), r));
        BenchResult shm = byTransport.get("shm");
        BenchResult pipe = byTransport.get("pipe");
        if (shm == null || pipe == null || !shm.available() || !pipe.available() || shm.latencyMicros().p50() <= 0) {
            return null;
        }
        return Math.round(pipe.latencyMicros().p50() / shm.latencyMicros().p50() * 10) / 10.0;
    }

    private static String micros(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
