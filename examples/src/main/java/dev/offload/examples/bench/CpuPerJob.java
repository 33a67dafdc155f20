package dev.offload.examples.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time some stretches of jobs cost, per job, summed over the stretches: this JVM's threads
 * (by name, tids merged) and every child process (the pool's workers) by thread, read from
 * {@code /proc} at each {@link #start()} and {@link #stop(long)}.
 *
 * <p>Every child of this JVM counts, not only the workers of the pool being measured: with other
 * pools open, their workers and their threads in this JVM are in the figures too (an idle pool's
 * add about nothing, as its workers and threads sleep), and so is the JVM that writes the workers'
 * AppCDS archive after a pool's first start on a new class path. Used by one thread.
 */
final class CpuPerJob {
    /** Threads below this share of the caller's time are summed as "other". */
    private static final double SHOWN_MICROS = 0.05;

    private final Ticks caller = new Ticks();
    /** By worker pid, in the order first seen. */
    private final Map<Long, Ticks> workers = new LinkedHashMap<>();
    private long jobs;
    private ProcCpu callerBefore;
    private List<ProcCpu> workersBefore;

    /** Begins a stretch. */
    void start() {
        callerBefore = ProcCpu.of(ProcessHandle.current().pid());
        workersBefore = ProcessHandle.current().children().map(p -> ProcCpu.of(p.pid())).toList();
    }

    /** Ends the stretch begun by {@link #start()}, in which {@code jobs} jobs ran, and adds it to the sums. */
    void stop(long jobs) {
        caller.add(ProcCpu.of(callerBefore.pid()), callerBefore);
        for (ProcCpu before : workersBefore) {
            ProcCpu now;
            try {
                now = ProcCpu.of(before.pid());
            } catch (RuntimeException gone) {
                continue; // a worker that exited meanwhile: its time is lost to us
            }
            workers.computeIfAbsent(before.pid(), pid -> new Ticks()).add(now, before);
        }
        this.jobs += jobs;
    }

    /**
     * {@code "2.72 µs = caller 1.85 (java 0.88, offload-reader- 0.90, other 0.07) + workers 0.87
     * (0.44: main 0.40, other 0.04; 0.43: main 0.39, other 0.04)"}: per JVM, its threads that took at
     * least {@value #SHOWN_MICROS} µs per job, by name.
     */
    String perJob() {
        double callerMicros = micros(caller.total);
        double workerMicros = 0;
        StringBuilder each = new StringBuilder();
        for (Ticks worker : workers.values()) {
            double us = micros(worker.total);
            workerMicros += us;
            each.append(each.length() == 0 ? "" : "; ").append(format(us)).append(": ").append(threads(worker, us));
        }
        return format(callerMicros + workerMicros) + " µs = caller " + format(callerMicros) + " ("
                + threads(caller, callerMicros) + ") + workers " + format(workerMicros) + " (" + each + ")";
    }

    /** The threads of one JVM by name, the small ones summed as "other". */
    private String threads(Ticks process, double totalMicros) {
        StringBuilder shown = new StringBuilder();
        double other = totalMicros;
        for (Map.Entry<String, Long> e : process.byName.entrySet()) {
            double us = micros(e.getValue());
            if (us >= SHOWN_MICROS) {
                shown.append(e.getKey()).append(' ').append(format(us)).append(", ");
                other -= us;
            }
        }
        return shown + "other " + format(Math.max(0, other));
    }

    private double micros(long ticks) {
        return ticks * 1e6 / ProcCpu.TICKS_PER_SECOND / jobs;
    }

    private static String format(double micros) {
        return String.format(Locale.ROOT, "%.2f", micros);
    }

    /** One process's ticks summed over the stretches: in all, and by thread name (tids merged). */
    private static final class Ticks {
        private long total;
        private final Map<String, Long> byName = new TreeMap<>();

        void add(ProcCpu now, ProcCpu before) {
            total += now.total() - before.total();
            now.threadsSince(before).forEach((thread, ticks) ->
                    byName.merge(thread.substring(0, thread.lastIndexOf(" (")), ticks, Long::sum));
        }
    }
}
