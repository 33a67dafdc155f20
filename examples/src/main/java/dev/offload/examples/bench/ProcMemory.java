package dev.offload.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Resident memory of a Linux process, from {@code /proc/<pid>/status}: all of it, and the part that
 * is its own heap and stacks (anonymous) rather than mapped files or shared memory (a worker maps
 * its queue files from tmpfs, which shows in RSS but is the pool's, not a leak of the process).
 *
 * @param rssKib  VmRSS
 * @param anonKib RssAnon
 * @param shmKib  RssShmem (tmpfs and other shared memory mapped)
 */
record ProcMemory(long rssKib, long anonKib, long shmKib) {

    /** The process's memory now, or null when it has ended. */
    static ProcMemory of(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            long[] kib = new long[3];
            lines.forEach(line -> {
                if (line.startsWith("VmRSS:")) {
                    kib[0] = kib(line);
                } else if (line.startsWith("RssAnon:")) {
                    kib[1] = kib(line);
                } else if (line.startsWith("RssShmem:")) {
                    kib[2] = kib(line);
                }
            });
            return new ProcMemory(kib[0], kib[1], kib[2]);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "RSS %,d KiB (anon %,d, shm %,d)", rssKib, anonKib, shmKib);
    }

    /** Kibibytes of memory under {@code dir} (a pool's shm directory: tmpfs is RAM), by {@code du}; -1 if unknown. */
    static long directoryKib(Path dir) {
        try {
            Process du = new ProcessBuilder("du", "-sk", dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            return du.waitFor() == 0 && !out.isEmpty() ? Long.parseLong(out.split("\\s+")[0]) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
