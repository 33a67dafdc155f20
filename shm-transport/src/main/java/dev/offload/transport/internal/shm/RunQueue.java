package dev.offload.transport.internal.shm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many threads of the whole machine are runnable right now, from the kernel's own count (the
 * fourth field of {@code /proc/loadavg}, {@code running/total}). A pool samples it a few times a
 * second while it is busy to decide whether its readers may spin ({@link SpinGate#markBusy}).
 *
 * <p>Stateless; safe from any thread. Answers -1 where the file is missing or unreadable (not Linux).
 */
public final class RunQueue {
    private static final Path LOADAVG = Path.of("/proc/loadavg");
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private RunQueue() {
    }

    /** Runnable threads now, the caller included; -1 when unknown. */
    public static int runnable() {
        try {
            String text = new String(Files.readAllBytes(LOADAVG), StandardCharsets.US_ASCII);
            int slash = text.indexOf('/');
            int space = text.lastIndexOf(' ', slash);
            return slash < 0 || space < 0 ? -1 : Integer.parseInt(text.substring(space + 1, slash));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * True when, not counting the caller, more threads are runnable than there are cores: then a
     * thread that spins takes a core from one that has work.
     */
    public static boolean allCoresTaken() {
        int runnable = runnable();
        return runnable >= 0 && runnable - 1 > CORES;
    }
}
