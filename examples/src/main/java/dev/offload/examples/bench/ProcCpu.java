package dev.offload.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a Linux process and of each of its threads, from {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/task/<tid>/stat} (user + system time, in clock ticks).
 *
 * @param pid     the process
 * @param total   ticks of the whole process
 * @param threads ticks per thread, keyed by {@code name (tid)}; Linux keeps 15 characters of a name
 */
record ProcCpu(long pid, long total, Map<String, Long> threads) {
    /** USER_HZ: the unit of utime and stime. 100 on every Linux architecture Offload runs on. */
    static final long TICKS_PER_SECOND = 100;

    static ProcCpu of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Map<String, Long> threads = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    threads.put(name + " (" + task.getFileName() + ")", ticks(task.resolve("stat")));
                } catch (NoSuchFileException threadEnded) {
                    // gone between the listing and the read: it used no time we could see
                }
            }
            return new ProcCpu(pid, ticks(proc.resolve("stat")), threads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    private static long ticks(Path stat) throws IOException {
        String text = Files.readString(stat);
        // After the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15.
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Ticks used since {@code before}, per thread; threads that used none are left out. */
    Map<String, Long> threadsSince(ProcCpu before) {
        Map<String, Long> used = new LinkedHashMap<>();
        threads.forEach((thread, ticks) -> {
            long delta = ticks - before.threads.getOrDefault(thread, 0L);
            if (delta > 0) {
                used.put(thread, delta);
            }
        });
        return used;
    }

    /** Ticks over {@code seconds} as a percentage of one core. */
    static double percentOfOneCore(long ticks, double seconds) {
        return 100.0 * ticks / TICKS_PER_SECOND / seconds;
    }
}
