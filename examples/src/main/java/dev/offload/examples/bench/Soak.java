package dev.offload.examples.bench;

import dev.offload.examples.handlers.EchoBytes;
import dev.offload.pool.PoolStats;
import dev.offload.pool.WorkerPool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The soak test (not run by CI or user-figures.sh: it takes minutes): one pool with the default
 * config under a steady load, {@code --rate} jobs a second echoing {@code --payload} bytes (every
 * 50th job 100 KiB, through the payload arena), at most 1,024 in flight. After {@code --warmup}
 * seconds (the heaps need a minute or so to reach their steady size: the caller's G1 heap grows,
 * a worker fills its 256m) it takes the resident memory of the caller and of each worker JVM, and
 * the size of the pool's shm directory, then again every minute and at the end, and prints the
 * growth.
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.Soak [--minutes=10] [--rate=2000] [--payload=1024] [--warmup=90] [--transports=shm]}</pre>
 */
public final class Soak {
    private static final int LARGE_EVERY = 50;
    private static final int LARGE_BYTES = 100 * 1024;

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args, "minutes", "rate", "payload", "warmup", "transports");
        int minutes = a.intValue("minutes", 10);
        int rate = Math.max(1, a.intValue("rate", 2_000));
        byte[] small = new byte[a.intValue("payload", 1_024)];
        byte[] large = new byte[LARGE_BYTES];
        Report.title(8, "soak: " + rate + " jobs/s for " + minutes + " min, RSS at the start (after " + a.intValue("warmup", 90)
                + " s) and the end", BenchConfig.defaults("auto"));
        for (String transport : a.transports().size() == 2 ? List.of("shm") : a.transports()) {
            try (WorkerPool pool = BenchConfig.start(BenchConfig.defaults(transport))) {
                Load load = new Load(pool, rate, small, large);
                load.runFor(a.intValue("warmup", 90) * 1_000_000_000L);
                Map<Long, ProcMemory> start = memory();
                long shmStart = shmKib();
                print("start", load, pool.stats(), start, shmStart);
                for (int minute = 1; minute <= minutes; minute++) {
                    load.runFor(60_000_000_000L);
                    print("minute " + minute, load, pool.stats(), memory(), shmKib());
                }
                load.drain();
                Map<Long, ProcMemory> end = memory();
                long shmEnd = shmKib();
                report(transport, start, end, shmStart, shmEnd, load, pool.stats());
            }
        }
    }

    /** Submits at a steady rate, from the calling thread, with at most 1,024 jobs in flight. */
    private static final class Load {
        private final WorkerPool pool;
        private final long periodNanos;
        private final byte[] small;
        private final byte[] large;
        private final Semaphore inFlight = new Semaphore(1_024);
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private long submitted;
        private long next = System.nanoTime();

        Load(WorkerPool pool, int rate, byte[] small, byte[] large) {
            this.pool = pool;
            this.periodNanos = 1_000_000_000L / rate;
            this.small = small;
            this.large = large;
        }

        void runFor(long nanos) throws InterruptedException {
            long end = System.nanoTime() + nanos;
            while (System.nanoTime() - end < 0) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the load, not synchronisation
                }
                inFlight.acquire();
                byte[] payload = ++submitted % LARGE_EVERY == 0 ? large : small;
                pool.submit(EchoBytes.class, payload).whenComplete((r, e) -> {
                    (e == null && r.length == payload.length ? completed : failed).incrementAndGet();
                    inFlight.release();
                });
                next += periodNanos;
            }
        }

        void drain() throws InterruptedException {
            inFlight.acquire(1_024);
            inFlight.release(1_024);
        }
    }

    private static Map<Long, ProcMemory> memory() {
        Map<Long, ProcMemory> byPid = new LinkedHashMap<>();
        byPid.put(ProcessHandle.current().pid(), ProcMemory.of(ProcessHandle.current().pid()));
        ProcessHandle.current().children().forEach(p -> {
            ProcMemory m = ProcMemory.of(p.pid());
            if (m != null) {
                byPid.put(p.pid(), m);
            }
        });
        return byPid;
    }

    /** The pool's shm directory (this process's only one), in KiB; 0 on pipes. */
    private static long shmKib() {
        String prefix = "offload-" + ProcessHandle.current().pid() + "-";
        try (Stream<Path> dirs = Files.list(Path.of("/dev/shm"))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(prefix)).mapToLong(ProcMemory::directoryKib).sum();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static void print(String when, Load load, PoolStats stats, Map<Long, ProcMemory> memory, long shmKib) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-9s completed %,d, failed %,d, crashes %d;",
                when, load.completed.get(), load.failed.get(), stats.crashes()));
        memory.forEach((pid, m) -> line.append(String.format(Locale.ROOT, " %s %d: %s;",
                pid == ProcessHandle.current().pid() ? "caller" : "worker", pid, m)));
        line.append(String.format(Locale.ROOT, " shm dir %,d KiB", shmKib));
        System.out.println(line);
        System.out.flush();
    }

    private static void report(String transport, Map<Long, ProcMemory> start, Map<Long, ProcMemory> end, long shmStart,
                               long shmEnd, Load load, PoolStats stats) {
        String used = stats.transport();
        start.forEach((pid, before) -> {
            String who = (pid == ProcessHandle.current().pid() ? "caller JVM" : "worker JVM") + " (pid " + pid + ")";
            ProcMemory after = end.get(pid);
            String growth = after == null ? "exited before the end"
                    : String.format(Locale.ROOT, "RSS %,d -> %,d KiB (%+,d), anon %,d -> %,d KiB (%+,d)", before.rssKib(),
                    after.rssKib(), after.rssKib() - before.rssKib(), before.anonKib(), after.anonKib(),
                    after.anonKib() - before.anonKib());
            Report.other(8, "soak: " + who, used, String.format(Locale.ROOT, "%,d", load.completed.get()), growth);
        });
        end.keySet().stream().filter(pid -> !start.containsKey(pid)).forEach(pid ->
                Report.other(8, "soak: worker JVM (pid " + pid + ")", used, "", "started during the run: " + end.get(pid)));
        Report.other(8, "soak: pool shm directory", transport, "", String.format(Locale.ROOT, "%,d -> %,d KiB (%+,d); %,d jobs"
                + " failed, %d worker crashes", shmStart, shmEnd, shmEnd - shmStart, load.failed.get(), stats.crashes()));
    }
}
