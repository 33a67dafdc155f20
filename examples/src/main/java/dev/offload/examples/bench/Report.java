package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * Prints results as rows of one Markdown table, the same columns for every benchmark and for the
 * Node and Python peers, so that {@code bench/user-figures.sh} can gather every row starting with
 * {@code |} into one summary.
 */
final class Report {
    static final String HEADER = "| fig | case | transport | n | p50 µs | p90 µs | p99 µs | max µs | other |";

    private Report() {
    }

    /** A title line, the config in use, and the table header. */
    static void title(int figure, String what, PoolConfig config) {
        title(figure, what, "; pool config: " + BenchConfig.differences(config));
    }

    /** A title line and the table header, for a figure without a pool. */
    static void title(int figure, String what) {
        title(figure, what, "");
    }

    private static void title(int figure, String what, String more) {
        System.out.printf(Locale.ROOT, "%n## figure %d: %s%n", figure, what);
        System.out.printf(Locale.ROOT, "JDK %s, %d processors%s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), more);
        System.out.println(HEADER);
        System.out.println("|---|---|---|---|---|---|---|---|---|");
    }

    /** One row of latency percentiles from a histogram of nanoseconds. */
    static void latency(int figure, String caseName, String transport, Histogram nanos, String other) {
        row(figure, caseName, transport, String.format(Locale.ROOT, "%,d", nanos.getTotalCount()),
                micros(nanos.getValueAtPercentile(50)), micros(nanos.getValueAtPercentile(90)),
                micros(nanos.getValueAtPercentile(99)), micros(nanos.getMaxValue()), other);
    }

    /** One row with no percentiles, only a figure such as jobs/s or CPU use. */
    static void other(int figure, String caseName, String transport, long count, String other) {
        other(figure, caseName, transport, String.format(Locale.ROOT, "%,d", count), other);
    }

    static void other(int figure, String caseName, String transport, String n, String other) {
        row(figure, caseName, transport, n, "", "", "", "", other);
    }

    static void unavailable(int figure, String caseName, String transport, Exception why) {
        row(figure, caseName, transport, "", "", "", "", "", "unavailable: " + why.getMessage());
    }

    private static void row(int figure, String caseName, String transport, String n, String p50, String p90,
                            String p99, String max, String other) {
        System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                figure, caseName, transport, n, p50, p90, p99, max, other);
        System.out.flush();
    }

    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%,.1f", nanos / 1_000.0);
    }

    /** A histogram for nanoseconds at three significant digits; it grows to fit any value. */
    static Histogram nanosHistogram() {
        return new Histogram(3);
    }
}
