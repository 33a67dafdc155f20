package dev.offload.examples.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time a stretch of jobs cost, per job: this JVM's threads (by name, tids merged) and every
 * child process (the pool's workers), read from {@code /proc} before and after.
 */
final class CpuPerJob {
    /** Threads below this share of the caller's time are summed as "other". */
    private static final double SHOWN_MICROS = 0.05;

    private final ProcCpu caller;
    private final List<ProcCpu> workers;

    private CpuPerJob(ProcCpu caller, List<ProcCpu> workers) {
        this.caller = caller;
        this.workers = workers;
    }

    static CpuPerJob start() {
        return new CpuPerJob(ProcCpu.of(ProcessHandle.current().pid()), children());
    }

    private static List<ProcCpu> children() {
        return ProcessHandle.current().children().map(p -> ProcCpu.of(p.pid())).toList();
    }

    /** {@code "4.02 µs = caller 2.91 (main 1.40, offload-reader- 1.49, other 0.02) + workers 1.11 (0.56, 0.55)"}. */
    String finish(long jobs) {
        ProcCpu callerNow = ProcCpu.of(caller.pid());
        Map<String, Long> byName = new TreeMap<>();
        callerNow.threadsSince(caller).forEach((thread, ticks) ->
                byName.merge(thread.substring(0, thread.lastIndexOf(" (")), ticks, Long::sum));
        double callerMicros = micros(callerNow.total() - caller.total(), jobs);
        StringBuilder threads = new StringBuilder();
        double other = callerMicros;
        for (Map.Entry<String, Long> e : byName.entrySet()) {
            double us = micros(e.getValue(), jobs);
            if (us >= SHOWN_MICROS) {
                threads.append(threads.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(format(us));
                other -= us;
            }
        }
        double workerMicros = 0;
        StringBuilder each = new StringBuilder();
        for (ProcCpu before : workers) {
            double us;
            try {
                us = micros(ProcCpu.of(before.pid()).total() - before.total(), jobs);
            } catch (RuntimeException gone) {
                continue; // a worker that exited meanwhile: its time is lost to us
            }
            workerMicros += us;
            each.append(each.length() == 0 ? "" : ", ").append(format(us));
        }
        return format(callerMicros + workerMicros) + " µs = caller " + format(callerMicros) + " (" + threads
                + ", other " + format(Math.max(0, other)) + ") + workers " + format(workerMicros) + " ("
                + each + ")";
    }

    private static double micros(long ticks, long jobs) {
        return ticks * 1e6 / ProcCpu.TICKS_PER_SECOND / jobs;
    }

    private static String format(double micros) {
        return String.format(Locale.ROOT, "%.2f", micros);
    }
}
