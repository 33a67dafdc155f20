package dev.offload.examples.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time a stretch of jobs cost, per job: this JVM's threads (by name, tids merged) and every
 * child process (the pool's workers) by thread, read from {@code /proc} before and after.
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

    /**
     * {@code "2.72 µs = caller 1.85 (java 0.88, offload-reader- 0.90, other 0.07) + workers 0.87
     * (0.44: main 0.40, other 0.04; 0.43: main 0.39, other 0.04)"}: per JVM, its threads that took at
     * least {@value #SHOWN_MICROS} µs per job, by name.
     */
    String finish(long jobs) {
        ProcCpu callerNow = ProcCpu.of(caller.pid());
        double callerMicros = micros(callerNow.total() - caller.total(), jobs);
        double workerMicros = 0;
        StringBuilder each = new StringBuilder();
        for (ProcCpu before : workers) {
            ProcCpu now;
            try {
                now = ProcCpu.of(before.pid());
            } catch (RuntimeException gone) {
                continue; // a worker that exited meanwhile: its time is lost to us
            }
            double us = micros(now.total() - before.total(), jobs);
            workerMicros += us;
            each.append(each.length() == 0 ? "" : "; ").append(format(us)).append(": ").append(threads(now, before, us, jobs));
        }
        return format(callerMicros + workerMicros) + " µs = caller " + format(callerMicros) + " ("
                + threads(callerNow, caller, callerMicros, jobs) + ") + workers " + format(workerMicros) + " (" + each + ")";
    }

    /** The threads of one JVM by name (tids merged), the small ones summed as "other". */
    private static String threads(ProcCpu now, ProcCpu before, double totalMicros, long jobs) {
        Map<String, Long> byName = new TreeMap<>();
        now.threadsSince(before).forEach((thread, ticks) ->
                byName.merge(thread.substring(0, thread.lastIndexOf(" (")), ticks, Long::sum));
        StringBuilder shown = new StringBuilder();
        double other = totalMicros;
        for (Map.Entry<String, Long> e : byName.entrySet()) {
            double us = micros(e.getValue(), jobs);
            if (us >= SHOWN_MICROS) {
                shown.append(e.getKey()).append(' ').append(format(us)).append(", ");
                other -= us;
            }
        }
        return shown + "other " + format(Math.max(0, other));
    }

    private static double micros(long ticks, long jobs) {
        return ticks * 1e6 / ProcCpu.TICKS_PER_SECOND / jobs;
    }

    private static String format(double micros) {
        return String.format(Locale.ROOT, "%.2f", micros);
    }
}
