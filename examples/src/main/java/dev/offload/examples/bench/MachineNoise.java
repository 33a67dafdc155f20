package dev.offload.examples.bench;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * Figure 0: how often this machine takes a running thread off its core, the floor under every
 * latency tail the other figures measure. Each thread reads {@code System.nanoTime()} in a tight
 * loop; a gap of more than 10 µs between two reads is time the thread did not run (a timer tick,
 * another thread, or on a VM the hypervisor running something else on that core). One thread
 * alone, then one per processor at once (as a caller and a worker both spinning).
 *
 * <p>How to read it: a round trip of {@code d} µs with {@code t} threads on its path meets a gap
 * with a probability of about {@code t × d × gaps-per-µs}. On a 2-core VM where one thread met
 * 1,200 gaps a second (190 of them above 50 µs), a 5 µs round trip between two spinning threads
 * met one in about 1.2 % of round trips: such a machine cannot give a p99 much below the gaps'
 * own.
 *
 * <pre>{@code java -cp ... dev.offload.examples.bench.MachineNoise [--seconds=5]}</pre>
 */
public final class MachineNoise {
    private static final long GAP_NANOS = 10_000;

    private MachineNoise() {
    }

    public static void main(String[] args) throws InterruptedException {
        Args a = Args.parse(args, "seconds");
        int seconds = a.intValue("seconds", 5);
        Report.title(0, "gaps over 10 µs in a thread reading the clock in a loop, " + seconds + " s: "
                + "time the machine took that thread off its core");
        int processors = Runtime.getRuntime().availableProcessors();
        for (int threads : processors > 1 ? new int[] {1, processors} : new int[] {1}) {
            Histogram gaps = Report.nanosHistogram();
            long lost = measure(threads, seconds, gaps);
            double perSecond = (double) gaps.getTotalCount() / seconds / threads;
            long over50 = gaps.getMaxValue() <= 50_000 ? 0 : gaps.getCountBetweenValues(50_001, gaps.getMaxValue());
            String other = String.format(Locale.ROOT, "per thread: %,.0f gaps/s, %,.0f over 50 µs/s; %.1f %% of its time lost",
                    perSecond, (double) over50 / seconds / threads, 100.0 * lost / (seconds * 1e9 * threads));
            Report.latency(0, "machine: " + threads + " thread(s) reading nanoTime", "-", gaps, other);
        }
    }

    /** Runs {@code threads} clock readers for {@code seconds}; records their gaps, returns the nanoseconds lost. */
    private static long measure(int threads, int seconds, Histogram gaps) throws InterruptedException {
        Histogram[] each = new Histogram[threads];
        long[] lost = new long[threads];
        Thread[] readers = new Thread[threads];
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int t = 0; t < threads; t++) {
            int me = t;
            each[t] = Report.nanosHistogram();
            readers[t] = new Thread(() -> lost[me] = readClock(end, each[me]), "machine-noise-" + t);
            readers[t].start();
        }
        long total = 0;
        for (int t = 0; t < threads; t++) {
            readers[t].join();
            gaps.add(each[t]);
            total += lost[t];
        }
        return total;
    }

    private static long readClock(long end, Histogram gaps) {
        long lost = 0;
        long last = System.nanoTime();
        while (last - end < 0) {
            long now = System.nanoTime();
            long gap = now - last;
            if (gap > GAP_NANOS) {
                gaps.recordValue(gap);
                lost += gap;
            }
            last = now;
        }
        return lost;
    }
}
