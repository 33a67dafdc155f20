package dev.offload.service.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of the latency plot and one .hgrm file: a case measured over one transport.
 *
 * @param transport "shm" or "pipe"
 * @param benchCase the latency case
 * @param label     what the legend says, e.g. "pipe 1 MiB"
 * @param nanos     the round trips, in nanoseconds
 */
record LatencySeries(String transport, BenchCase benchCase, String label, Histogram nanos) {

    /** Every latency case of every transport that ran, in the report's order: round trips, callback, large. */
    static List<LatencySeries> of(BenchSettings settings, List<BenchResult> results) {
        List<LatencySeries> series = new ArrayList<>();
        for (BenchCase benchCase : BenchCase.values()) {
            for (BenchResult result : results) {
                Histogram h = result.histograms().get(benchCase);
                if (h != null && h.getTotalCount() > 0) {
                    series.add(new LatencySeries(result.transport(), benchCase, label(result.transport(), benchCase, settings), h));
                }
            }
        }
        return series;
    }

    /** The file name's stem: {@code shm-roundtrip}, {@code pipe-large}. */
    String fileStem() {
        return transport + "-" + benchCase.name();
    }

    private static String label(String transport, BenchCase benchCase, BenchSettings settings) {
        return switch (benchCase) {
            case roundtrip -> transport + " round trip";
            case callback -> transport + " callback";
            case large -> transport + " " + BenchReport.size(settings.largePayloadBytes());
            case throughput -> throw new IllegalArgumentException("throughput has no latency histogram");
        };
    }
}
