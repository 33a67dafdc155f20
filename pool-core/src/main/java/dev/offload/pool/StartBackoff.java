package dev.offload.pool;

/**
 * The back-off of one kind of worker start ({@link Spawner}): written by the spawn thread whose start
 * ended, read by the supervisor thread.
 *
 * <p>Two runs, each ended by a start that succeeds: starts killed from outside by a signal
 * ({@link Supervisor#killedStartBackoffNanos}) and starts that failed by themselves
 * ({@link Supervisor#backoffNanos}); the last start that failed sets the time of the next attempt.
 * The fields are volatile and {@code ++} takes no lock: once a start failed by itself the Spawner
 * probes one start at a time, and it replaces stand-ins one at a time, so from then on one spawn
 * thread at a time writes them. Starts that end together before that may count as one, which only
 * holds the back-off a step shorter.
 */
final class StartBackoff {
    /** Starts killed from outside, in a row since the last start that succeeded. */
    private volatile int kills;
    /** Starts that failed by themselves, in a row since the last start that succeeded. */
    private volatile int failures;
    private volatile long nextAttemptAt;

    /** How many failed starts of one kind in a row, and how long until the next attempt. */
    record Retry(int inARow, long inNanos) {
    }

    /** A start was killed by a signal the pool did not send. */
    Retry killed() {
        int n = ++kills;
        long delay = Supervisor.killedStartBackoffNanos(n);
        nextAttemptAt = System.nanoTime() + delay;
        return new Retry(n, delay);
    }

    /** A start failed by itself: an exit code without a signal, a crash, no HELLO in time. */
    Retry failedByItself() {
        int n = ++failures;
        long delay = Supervisor.backoffNanos(n);
        nextAttemptAt = System.nanoTime() + delay;
        return new Retry(n, delay);
    }

    /** A start succeeded: both runs end. */
    void succeeded() {
        failures = 0;
        kills = 0;
    }

    boolean isBackingOff() {
        return failures > 0 || kills > 0;
    }

    boolean hasFailures() {
        return failures > 0;
    }

    boolean hasKills() {
        return kills > 0;
    }

    int failures() {
        return failures;
    }

    /** The delay after the last start that failed has passed ({@code now} from {@link System#nanoTime}). */
    boolean isDue(long now) {
        return now - nextAttemptAt >= 0;
    }
}
