package dev.offload.service.bench;

import org.HdrHistogram.Histogram;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench page and the .hgrm files, from made-up histograms: no pool is started. */
public class BenchPageTest {
    private static final BenchSettings SETTINGS = new BenchSettings(10_000, 100, 0, 16, 2, 256, EnumSet.allOf(BenchCase.class),
            1 << 20, 1_000, 10, 200_000, 400_000);

    @TempDir
    Path dir;

    @Test
    void shouldPlaceEachDecadeOfPercentilesOneStepFurtherOnTheAxis() {
        assertThat(PercentilePlot.percentLabel(0)).isEqualTo("0%");
        assertThat(PercentilePlot.percentLabel(1)).isEqualTo("90%");
        assertThat(PercentilePlot.percentLabel(2)).isEqualTo("99%");
        assertThat(PercentilePlot.percentLabel(3)).isEqualTo("99.9%");
        assertThat(PercentilePlot.percentLabel(5)).isEqualTo("99.999%");

        // Values spread evenly up to 10 µs: the value at percentile p is 10 p µs, and p = 1 - 10^-x.
        List<PercentilePlot.Point> points = PercentilePlot.points(uniform(1_000, 10_000));
        assertThat(points.get(0).decades()).isZero();
        assertThat(points).extracting(PercentilePlot.Point::decades).isSorted();
        assertThat(points).allSatisfy(p -> assertThat(p.micros())
                .isCloseTo(10 * (1 - Math.pow(10, -p.decades())), Offset.offset(0.02)));
        PercentilePlot.Point last = points.get(points.size() - 1);
        assertThat(last.decades()).as("100% of 10,000 values sits at 1 - 1/10,000").isEqualTo(4);
        assertThat(last.micros()).isCloseTo(10, Offset.offset(0.01));
    }

    @Test
    void shouldDrawOneLinePerCaseAndTransportAndFetchNothing() {
        String html = new BenchPage(SETTINGS, results(), Instant.parse("2026-11-29T12:00:00Z")).html();

        assertSelfContained(html);
        assertThat(Pattern.compile("<polyline ").matcher(html).results().count()).isEqualTo(6);
        assertThat(html).contains("<title>shm round trip</title>", "<title>pipe round trip</title>",
                "<title>shm callback</title>", "<title>pipe callback</title>",
                "<title>shm 1 MiB</title>", "<title>pipe 1 MiB</title>");
        assertThat(html).contains(">99.9%</text>", ">0%</text>")
                .contains("<h2>Throughput</h2>").contains("250,000 jobs/s").contains("50,000 jobs/s");
    }

    @Test
    void shouldWriteOnePercentileFilePerCaseAndTransportInMicroseconds() throws IOException {
        List<Path> files = HgrmFiles.write(dir.resolve("hgrm"), LatencySeries.of(SETTINGS, results()));

        assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly(
                "shm-roundtrip.hgrm", "pipe-roundtrip.hgrm", "shm-callback.hgrm", "pipe-callback.hgrm",
                "shm-large.hgrm", "pipe-large.hgrm");
        String shm = Files.readString(files.get(0));
        assertThat(shm).contains("Value     Percentile TotalCount 1/(1-Percentile)")
                .containsPattern("#\\[Max     = +10\\.0\\d\\d, Total count    = +10000]");
    }

    /** No script, style sheet, font or image is fetched: the page works with no network. */
    public static void assertSelfContained(String html) {
        assertThat(html).startsWith("<!DOCTYPE html>")
                .doesNotContain("http://", "https://", "src=", "url(", "@import", "<link", "<script")
                .contains("<svg", "</html>");
    }

    private static List<BenchResult> results() {
        return List.of(
                BenchResult.measured("shm", Map.of(BenchCase.roundtrip, uniform(1_000, 10_000),
                        BenchCase.callback, uniform(2_000, 10_000), BenchCase.large, uniform(300_000, 1_000)), 250_000L),
                BenchResult.measured("pipe", Map.of(BenchCase.roundtrip, uniform(20_000, 10_000),
                        BenchCase.callback, uniform(30_000, 10_000), BenchCase.large, uniform(900_000, 1_000)), 50_000L));
    }

    /** {@code count} values spread evenly up to ten times {@code lowestNanos}. */
    private static Histogram uniform(long lowestNanos, int count) {
        Histogram h = new Histogram(TransportBench.HIGHEST_NANOS, 3);
        for (int i = 1; i <= count; i++) {
            h.recordValue(lowestNanos * 10 * i / count);
        }
        return h;
    }
}
