package dev.offload.examples.bench;

import dev.offload.examples.handlers.NoOp;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Figure 6: what an idle pool costs. A pool with the default config gets a short burst of no-op
 * jobs (all submitted at once), then sits idle; the CPU time the caller's JVM and each worker JVM
 * use over the idle window is read from /proc and given as a percentage of one core, with the
 * threads that used any. shm, then pipe, in the same JVM.
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.IdlePoolCpu [--seconds=10] [--burst=5000] [--settle-ms=1000] [--transports=shm,pipe]}</pre>
 */
public final class IdlePoolCpu {
    private IdlePoolCpu() {
    }

    public static void main(String[] args) throws InterruptedException {
        Args a = Args.parse(args, "seconds", "burst", "settle-ms", "transports");
        int seconds = a.intValue("seconds", 10);
        int burst = a.intValue("burst", 5_000);
        int settleMillis = a.intValue("settle-ms", 1_000);
        Report.title(6, "CPU used by an idle pool over " + seconds + " s, starting " + settleMillis + " ms after a burst of "
                + burst + " no-op jobs", BenchConfig.defaults("auto"));
        for (String transport : a.transports()) {
            try (WorkerPool pool = BenchConfig.start(BenchConfig.defaults(transport))) {
                CompletableFuture<?>[] jobs = new CompletableFuture<?>[burst];
                for (int i = 0; i < burst; i++) {
                    jobs[i] = pool.submit(NoOp.class, i);
                }
                CompletableFuture.allOf(jobs).join();
                Thread.sleep(settleMillis);

                List<ProcessHandle> processes = new ArrayList<>();
                processes.add(ProcessHandle.current());
                ProcessHandle.current().descendants().forEach(processes::add);
                List<ProcCpu> before = processes.stream().map(p -> ProcCpu.of(p.pid())).toList();
                long start = System.nanoTime();
                Thread.sleep(seconds * 1_000L); // the idle window: nothing runs on purpose
                double elapsed = (System.nanoTime() - start) / 1e9;
                String used = pool.stats().transport();
                long all = 0;
                for (int i = 0; i < processes.size(); i++) {
                    String who = (i == 0 ? "caller JVM" : "worker JVM") + " (pid " + processes.get(i).pid() + ")";
                    if (!processes.get(i).isAlive()) {
                        Report.other(6, "idle " + seconds + " s: " + who, used, "", "exited during the window");
                        continue;
                    }
                    ProcCpu after = ProcCpu.of(processes.get(i).pid());
                    long ticks = after.total() - before.get(i).total();
                    all += ticks;
                    Report.other(6, "idle " + seconds + " s: " + who, used, ticks + " ticks", percent(ticks, elapsed));
                    printThreads(after.threadsSince(before.get(i)), elapsed);
                }
                Report.other(6, "idle " + seconds + " s: caller + all workers", used, all + " ticks", percent(all, elapsed));
            } catch (OffloadException e) {
                Report.unavailable(6, "idle " + seconds + " s", transport, e);
            }
        }
    }

    private static String percent(long ticks, double seconds) {
        return String.format(Locale.ROOT, "%.2f %% of one core", ProcCpu.percentOfOneCore(ticks, seconds));
    }

    /** The threads that used CPU, busiest first, on one line below the table row. */
    private static void printThreads(Map<String, Long> ticksByThread, double seconds) {
        if (ticksByThread.isEmpty()) {
            return;
        }
        String threads = ticksByThread.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.2f%%", e.getKey(), ProcCpu.percentOfOneCore(e.getValue(), seconds)))
                .collect(Collectors.joining(", "));
        System.out.println("    threads: " + threads);
    }
}
