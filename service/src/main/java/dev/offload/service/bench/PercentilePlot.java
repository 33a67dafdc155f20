package dev.offload.service.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The latency percentile distribution of every series as one inline SVG, drawn as HdrHistogram's
 * plotter draws it: the percentile across on a log scale of 1/(1-p), so that 90%, 99%, 99.9%...
 * are evenly spaced and the tail gets as much room as the median; microseconds up the side, also
 * on a log scale, so that a 1 MiB round trip and a 16-byte one fit in one plot.
 */
final class PercentilePlot {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 520;
    private static final int LEFT = 84;
    private static final int RIGHT = 40;
    private static final int TOP = 20;
    private static final int BOTTOM = 64;
    /** Stops per halving of the distance to 100%, as in HdrHistogram's own percentile files. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final int MAX_DECADES = 7;

    /** One point of a line: {@code decades} = log10(1/(1-p)); 100% sits at log10(count). */
    record Point(double decades, double micros) {
    }

    private final List<LatencySeries> series;
    private final List<List<Point>> lines = new ArrayList<>();
    private final int decades;
    private final double logMin;
    private final double logMax;

    PercentilePlot(List<LatencySeries> series) {
        this.series = List.copyOf(series);
        double maxDecades = 2; // 99% at least, even for a few hundred jobs
        double min = Double.MAX_VALUE;
        double max = 0;
        for (LatencySeries s : this.series) {
            List<Point> line = points(s.nanos());
            lines.add(line);
            for (Point p : line) {
                maxDecades = Math.max(maxDecades, p.decades());
                min = Math.min(min, p.micros());
                max = Math.max(max, p.micros());
            }
        }
        this.decades = (int) Math.min(MAX_DECADES, Math.ceil(maxDecades - 1e-9));
        this.logMin = lines.isEmpty() ? 0 : Math.floor(Math.log10(Math.max(0.1, min)));
        this.logMax = lines.isEmpty() ? 3 : Math.max(logMin + 1, Math.ceil(Math.log10(Math.max(0.1, max))));
    }

    /**
     * The percentile distribution of {@code nanos}, in microseconds. N values say nothing finer
     * than 1/N: every percentile past 1 - 1/N is the maximum, so the line ends there, at
     * log10(N), as 100% does.
     */
    static List<Point> points(Histogram nanos) {
        List<Point> points = new ArrayList<>();
        double end = Math.log10(Math.max(1, nanos.getTotalCount()));
        for (HistogramIterationValue v : nanos.percentiles(TICKS_PER_HALF_DISTANCE)) {
            double p = v.getPercentileLevelIteratedTo() / 100.0;
            double x = p < 1 ? Math.min(end, Math.log10(1 / (1 - p))) : end;
            points.add(new Point(x, v.getValueIteratedTo() / 1000.0));
        }
        return points;
    }

    /** The x-axis label of {@code decade}: 0%, 90%, 99%, 99.9%... */
    static String percentLabel(int decade) {
        if (decade == 0) {
            return "0%";
        }
        return String.format(Locale.ROOT, "%." + Math.max(0, decade - 2) + "f%%", 100 * (1 - Math.pow(10, -decade)));
    }

    String svg() {
        StringBuilder out = new StringBuilder();
        out.append("<svg class=\"plot\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"latency by percentile\">\n");
        out.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotWidth())
                .append("\" height=\"").append(plotHeight()).append("\" class=\"frame\"/>\n");
        xAxis(out);
        yAxis(out);
        for (int i = 0; i < series.size(); i++) {
            line(out, series.get(i), lines.get(i));
        }
        legend(out);
        out.append("</svg>\n");
        return out.toString();
    }

    private void xAxis(StringBuilder out) {
        for (int d = 0; d <= decades; d++) {
            double x = x(d);
            out.append("<line class=\"grid\" x1=\"").append(Svg.coordinate(x)).append("\" y1=\"").append(TOP)
                    .append("\" x2=\"").append(Svg.coordinate(x)).append("\" y2=\"").append(TOP + plotHeight()).append("\"/>\n");
            out.append("<text class=\"tick\" text-anchor=\"middle\" x=\"").append(Svg.coordinate(x)).append("\" y=\"")
                    .append(TOP + plotHeight() + 20).append("\">").append(percentLabel(d)).append("</text>\n");
        }
        out.append("<text class=\"axis\" text-anchor=\"middle\" x=\"").append(LEFT + plotWidth() / 2).append("\" y=\"")
                .append(HEIGHT - 14).append("\">percentile (log scale of 1/(1\u2212p))</text>\n");
    }

    private void yAxis(StringBuilder out) {
        for (int e = (int) logMin; e <= (int) logMax; e++) {
            for (int m : new int[] {1, 2, 5}) {
                double value = m * Math.pow(10, e);
                double log = Math.log10(value);
                if (log < logMin - 1e-9 || log > logMax + 1e-9) {
                    continue;
                }
                String y = Svg.coordinate(y(value));
                out.append("<line class=\"").append(m == 1 ? "grid" : "minor").append("\" x1=\"").append(LEFT).append("\" y1=\"")
                        .append(y).append("\" x2=\"").append(LEFT + plotWidth()).append("\" y2=\"").append(y).append("\"/>\n");
                out.append("<text class=\"tick\" text-anchor=\"end\" x=\"").append(LEFT - 8).append("\" y=\"").append(y)
                        .append("\" dy=\"4\">").append(Svg.micros(value)).append("</text>\n");
            }
        }
        out.append("<text class=\"axis\" text-anchor=\"middle\" transform=\"translate(18 ").append(TOP + plotHeight() / 2)
                .append(") rotate(-90)\">round trip, \u00b5s (log scale)</text>\n");
    }

    private void line(StringBuilder out, LatencySeries s, List<Point> points) {
        out.append("<polyline class=\"series ").append(s.benchCase().name()).append(' ').append(s.transport())
                .append("\" points=\"");
        for (Point p : points) {
            out.append(Svg.coordinate(x(Math.min(decades, p.decades())))).append(',').append(Svg.coordinate(y(p.micros()))).append(' ');
        }
        out.setLength(out.length() - 1);
        out.append("\"><title>").append(Svg.escape(s.label())).append("</title></polyline>\n");
    }

    private void legend(StringBuilder out) {
        int x = LEFT + 14;
        int y = TOP + 18;
        out.append("<rect class=\"legend\" x=\"").append(x - 8).append("\" y=\"").append(y - 14).append("\" width=\"190\" height=\"")
                .append(series.size() * 20 + 8).append("\"/>\n");
        for (LatencySeries s : series) {
            out.append("<line class=\"series ").append(s.benchCase().name()).append(' ').append(s.transport())
                    .append("\" x1=\"").append(x).append("\" y1=\"").append(y - 4).append("\" x2=\"").append(x + 32)
                    .append("\" y2=\"").append(y - 4).append("\"/>");
            out.append("<text class=\"label\" x=\"").append(x + 42).append("\" y=\"").append(y).append("\">")
                    .append(Svg.escape(s.label())).append("</text>\n");
            y += 20;
        }
    }

    private int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    private double x(double decade) {
        return LEFT + decade / decades * plotWidth();
    }

    private double y(double micros) {
        double log = Math.log10(Math.max(Math.pow(10, logMin), micros));
        return TOP + plotHeight() - (log - logMin) / (logMax - logMin) * plotHeight();
    }
}
