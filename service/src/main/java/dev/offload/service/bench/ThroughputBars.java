package dev.offload.service.bench;

import java.util.List;
import java.util.Locale;

/** Jobs per second of each transport as horizontal bars, in one inline SVG. */
final class ThroughputBars {
    private static final int WIDTH = 960;
    private static final int LEFT = 84;
    private static final int RIGHT = 160;
    private static final int ROW = 44;
    private static final int BAR = 28;

    /** @param bars transport and jobs per second, in the order to draw */
    record Bar(String transport, long jobsPerSecond) {
    }

    private final List<Bar> bars;

    ThroughputBars(List<Bar> bars) {
        this.bars = List.copyOf(bars);
    }

    /** The bars of the results that measured throughput. */
    static ThroughputBars of(List<BenchResult> results) {
        return new ThroughputBars(results.stream().filter(r -> r.jobsPerSecond() != null)
                .map(r -> new Bar(r.transport(), r.jobsPerSecond())).toList());
    }

    boolean isEmpty() {
        return bars.isEmpty();
    }

    String svg() {
        long max = Math.max(1, bars.stream().mapToLong(Bar::jobsPerSecond).max().orElse(1));
        int height = bars.size() * ROW + 12;
        StringBuilder out = new StringBuilder();
        out.append("<svg class=\"bars\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"throughput\">\n");
        int y = 6;
        for (Bar bar : bars) {
            double width = (double) bar.jobsPerSecond() / max * (WIDTH - LEFT - RIGHT);
            String value = String.format(Locale.ROOT, "%,d jobs/s", bar.jobsPerSecond());
            out.append("<text class=\"label\" text-anchor=\"end\" x=\"").append(LEFT - 10).append("\" y=\"").append(y + BAR / 2)
                    .append("\" dy=\"5\">").append(Svg.escape(bar.transport())).append("</text>\n");
            out.append("<rect class=\"bar ").append(Svg.escape(bar.transport())).append("\" x=\"").append(LEFT).append("\" y=\"")
                    .append(y).append("\" width=\"").append(Svg.coordinate(Math.max(1, width))).append("\" height=\"").append(BAR)
                    .append("\"><title>").append(Svg.escape(bar.transport())).append(": ").append(value).append("</title></rect>\n");
            out.append("<text class=\"value\" x=\"").append(Svg.coordinate(LEFT + Math.max(1, width) + 8)).append("\" y=\"")
                    .append(y + BAR / 2).append("\" dy=\"5\">").append(value).append("</text>\n");
            y += ROW;
        }
        out.append("</svg>\n");
        return out.toString();
    }
}
