package dev.offload.service.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * {@code offload bench --html}: one self-contained page of a run's latency distributions and
 * throughput. Inline SVG and CSS only, no script and no font or image to fetch, so the page looks
 * the same opened from a disk, an e-mail or a CI artifact with no network.
 */
final class BenchPage {
    private static final String STYLE = """
            body { font-family: system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px auto;
                   max-width: 1000px; color: #222; padding: 0 16px; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 17px; margin: 28px 0 6px; }
            p { margin: 4px 0; line-height: 1.4; }
            .meta { color: #555; font-size: 13px; }
            svg { width: 100%; height: auto; display: block; font-size: 13px; }
            .frame { fill: #fff; stroke: #999; }
            .grid { stroke: #ddd; }
            .minor { stroke: #f0f0f0; }
            .tick { fill: #555; font-size: 12px; }
            .axis { fill: #333; font-size: 13px; }
            .legend { fill: #fff; fill-opacity: 0.9; stroke: #ccc; }
            .label, .value { fill: #222; }
            .series { fill: none; stroke-width: 2; }
            .roundtrip { stroke: #1f77b4; } .callback { stroke: #2ca02c; } .large { stroke: #d62728; }
            .series.pipe { stroke-dasharray: 7 4; }
            .bar { fill: #4c78a8; } .bar.pipe { fill: #f58518; }
            table { border-collapse: collapse; font-size: 13px; margin-top: 6px; }
            th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eee; }
            th:first-child, td:first-child { text-align: left; }
            .unavailable { color: #a00; }
            """;

    private final BenchSettings settings;
    private final List<BenchResult> results;
    private final Instant generatedAt;

    BenchPage(BenchSettings settings, List<BenchResult> results, Instant generatedAt) {
        this.settings = settings;
        this.results = List.copyOf(results);
        this.generatedAt = generatedAt;
    }

    String html() {
        List<LatencySeries> series = LatencySeries.of(settings, results);
        ThroughputBars bars = ThroughputBars.of(results);
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>offload bench</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        out.append("<h1>offload bench</h1>\n<p class=\"meta\">")
                .append(Svg.escape(String.format(Locale.ROOT, "%s UTC \u00b7 JDK %s \u00b7 %d processors \u00b7 %s",
                        generatedAt.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", ""),
                        Runtime.version(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"))))
                .append("</p>\n");
        for (BenchResult r : results) {
            if (!r.available()) {
                out.append("<p class=\"unavailable\">").append(Svg.escape(r.transport())).append(" unavailable: ")
                        .append(Svg.escape(String.valueOf(r.reason()))).append("</p>\n");
            }
        }
        if (!series.isEmpty()) {
            latency(out, series);
        }
        if (!bars.isEmpty()) {
            out.append("<h2>Throughput</h2>\n<p>").append(Svg.escape(String.format(Locale.ROOT,
                            "%,d no-op jobs of %d bytes on %d worker(s), %d in flight, after %,d warm-up.",
                            settings.throughputJobs(), settings.payloadBytes(), settings.workers(), settings.inFlight(),
                            settings.throughputWarmup())))
                    .append("</p>\n").append(bars.svg());
        }
        out.append("<p class=\"meta\">Written by <code>offload bench --html</code>. ")
                .append("Percentile files for other plotters: <code>offload bench --hgrm DIR</code>.</p>\n");
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private void latency(StringBuilder out, List<LatencySeries> series) {
        out.append("<h2>Latency by percentile</h2>\n<p>").append(Svg.escape(String.format(Locale.ROOT,
                "No-op jobs on one worker, sequential. Round trip: %,d of %d bytes, the caller waiting in join(). "
                        + "Callback: %,d of %d bytes, each submitted from the last one's completion callback on a Netty event loop that reads the answers. "
                        + "%s: %,d round trips of that size. Solid lines: shm; dashed: pipe.",
                settings.jobs(), settings.payloadBytes(), settings.jobs(), settings.payloadBytes(),
                BenchReport.size(settings.largePayloadBytes()), settings.largeJobs())))
                .append("</p>\n");
        out.append(new PercentilePlot(series).svg());
        out.append("<table>\n<tr><th>series</th><th>count</th><th>p50 \u00b5s</th><th>p90 \u00b5s</th><th>p99 \u00b5s</th>")
                .append("<th>p99.9 \u00b5s</th><th>p99.99 \u00b5s</th><th>max \u00b5s</th></tr>\n");
        for (LatencySeries s : series) {
            out.append("<tr><td>").append(Svg.escape(s.label())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", s.nanos().getTotalCount())).append("</td>");
            for (double p : new double[] {50, 90, 99, 99.9, 99.99}) {
                out.append("<td>").append(Svg.micros(s.nanos().getValueAtPercentile(p) / 1000.0)).append("</td>");
            }
            out.append("<td>").append(Svg.micros(s.nanos().getMaxValue() / 1000.0)).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }
}
