package dev.offload.service.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code offload bench --hgrm DIR}: HdrHistogram's percentile distribution of each latency case,
 * one file per case and transport ({@code shm-roundtrip.hgrm}, {@code pipe-large.hgrm}...), values
 * in microseconds, for HdrHistogram's plotter or any other tool that reads the format.
 */
final class HgrmFiles {
    /** Nanoseconds recorded, microseconds written. */
    private static final double NANOS_PER_MICRO = 1000.0;
    private static final int TICKS_PER_HALF_DISTANCE = 5;

    private HgrmFiles() {
    }

    /** Writes the files into {@code dir} (made if missing); returns them. */
    static List<Path> write(Path dir, List<LatencySeries> series) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (LatencySeries s : series) {
            Path file = dir.resolve(s.fileStem() + ".hgrm");
            try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII)) {
                s.nanos().outputPercentileDistribution(out, TICKS_PER_HALF_DISTANCE, NANOS_PER_MICRO);
                if (out.checkError()) {
                    throw new IOException("cannot write " + file);
                }
            }
            written.add(file);
        }
        return written;
    }
}
