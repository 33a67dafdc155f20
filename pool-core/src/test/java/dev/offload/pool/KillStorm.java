package dev.offload.pool;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Issue 13's kill storm for tests: every {@code period}, a random live worker JVM of this test JVM
 * (starting or serving) is SIGKILLed, as the OOM killer does, until {@code maxKills} were killed
 * or the storm is closed.
 */
public final class KillStorm implements AutoCloseable {
    private final ScheduledExecutorService chaos =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "offload-test-chaos"));
    private final AtomicInteger kills = new AtomicInteger();

    private KillStorm(Duration period, int maxKills, Consumer<ProcessHandle> beforeKill) {
        Random random = new Random();
        long millis = period.toMillis();
        chaos.scheduleAtFixedRate(() -> {
            List<ProcessHandle> workers = NoLeftovers.liveWorkerProcesses();
            if (!workers.isEmpty() && kills.get() < maxKills) {
                ProcessHandle victim = workers.get(random.nextInt(workers.size()));
                beforeKill.accept(victim);
                victim.destroyForcibly();
                kills.incrementAndGet();
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a storm that ends after {@code maxKills} kills; {@code beforeKill} sees each victim
     * first (to tell starting from serving ones).
     */
    public static KillStorm every(Duration period, int maxKills, Consumer<ProcessHandle> beforeKill) {
        return new KillStorm(period, maxKills, beforeKill);
    }

    /** Starts a storm that lasts until it is closed. */
    public static KillStorm every(Duration period) {
        return every(period, Integer.MAX_VALUE, victim -> { });
    }

    /** Workers killed so far. */
    public int kills() {
        return kills.get();
    }

    @Override
    public void close() {
        chaos.shutdownNow();
    }
}
