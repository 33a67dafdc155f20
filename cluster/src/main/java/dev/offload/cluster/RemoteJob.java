package dev.offload.cluster;

import com.fasterxml.jackson.databind.JavaType;
import com.hazelcast.cluster.Member;
import dev.offload.pool.JobOptions;
import dev.offload.pool.PoolRejectedException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * One job this host submitted through the cluster, across its attempts: what it is, where its current
 * attempt is offered or runs, and whether its outcome is decided. The {@link Outbox} drives it from
 * submitting threads, Hazelcast threads, the pool's callback threads and the timer; every transition
 * is {@code synchronized} on the job and returns what the caller must do outside the lock. An event
 * names the attempt and host it is about, and an event about an earlier attempt or another host is
 * stale and changes nothing.
 */
final class RemoteJob {
    /** Where an attempt goes: {@code host} null when every host refused it (the job is then decided). */
    record Placement(Member host, int attempt) {
    }

    /** What stopping a decided job's current attempt takes; see {@link #stop()}. */
    record Stop(Member host, int attempt, CompletableFuture<byte[]> localRun, boolean sendCancel) {
    }

    enum Loss { STALE, RETRY, EXHAUSTED }

    final long id;
    final String handler;
    final byte[] input;
    /** Null: the caller wants the result's JSON bytes. */
    final JavaType output;
    final int priority;
    final int maxAttempts;
    final long timeoutNanos;
    final long submittedAt = System.nanoTime();
    final Executor completion;
    final ClusterFuture<Object> future;
    volatile ScheduledFuture<?> timer;

    private int attempt = 1;
    private Member host;
    private boolean accepted;
    private boolean cancelOnAccept;
    private CompletableFuture<byte[]> localRun;
    private boolean decided;
    private final Set<UUID> refused = new HashSet<>();
    private final List<String> refusals = new ArrayList<>();
    private PoolRejectedException.Reason refusalReason;

    /** {@code onCancel}: called with this job when its caller cancels the future. */
    RemoteJob(long id, String handler, byte[] input, JavaType output, int priority, int maxAttempts, long timeoutNanos,
              Executor completion, Consumer<RemoteJob> onCancel) {
        this.id = id;
        this.handler = handler;
        this.input = input;
        this.output = output;
        this.priority = priority;
        this.maxAttempts = maxAttempts;
        this.timeoutNanos = timeoutNanos;
        this.completion = completion;
        this.future = new ClusterFuture<>(() -> onCancel.accept(this));
    }

    String describe() {
        return "job " + id + " (" + handler.substring(handler.lastIndexOf('.') + 1) + ")";
    }

    /** Picks the host for the current attempt; null when the job is decided already. */
    synchronized Placement place(LoadBoard board) {
        if (decided) {
            return null;
        }
        host = board.best(refused);
        accepted = false;
        cancelOnAccept = false;
        localRun = null;
        decided = host == null;
        return new Placement(host, attempt);
    }

    /** {@code host} refused the attempt, which never started there; true if the caller should place it again. */
    synchronized boolean refused(int attempt, Member host, Admission why) {
        return refused(attempt, host, why.reason, why.name().toLowerCase().replace('_', ' '));
    }

    /** {@code host} could not be asked (it is leaving, or unreachable); as a refusal. */
    synchronized boolean unreachable(int attempt, Member host, Throwable why) {
        return refused(attempt, host, PoolRejectedException.Reason.SHUT_DOWN, "unreachable (" + why + ")");
    }

    private boolean refused(int attempt, Member host, PoolRejectedException.Reason reason, String why) {
        if (!isCurrent(attempt, host)) {
            return false;
        }
        refused.add(host.getUuid());
        refusals.add(ClusterLink.addressOf(host) + (host.localMember() ? " (this host)" : "") + ": " + why);
        // QUEUE_FULL wins (retrying later may work), then SHUT_DOWN; TOO_LARGE only if every host said so.
        if (refusalReason == null || reason.ordinal() < refusalReason.ordinal()) {
            refusalReason = reason;
        }
        this.host = null;
        return true;
    }

    /** Every host refused: the exception the caller gets. Only after {@link #place} returned no host. */
    synchronized PoolRejectedException rejection() {
        var reason = refusalReason == null ? PoolRejectedException.Reason.SHUT_DOWN : refusalReason;
        String hosts = refusals.isEmpty() ? "no host takes jobs" : String.join("; ", refusals);
        return new PoolRejectedException(reason, "every host refused " + describe() + ": " + hosts);
    }

    /** The local pool accepted the attempt; false if it is stale already (the caller cancels {@code run}). */
    synchronized boolean runningLocally(int attempt, Member self, CompletableFuture<byte[]> run) {
        if (decided || !isCurrent(attempt, self)) {
            return false;
        }
        localRun = run;
        return true;
    }

    /** {@code host} accepted the attempt; true if it must be cancelled there at once (decided meanwhile). */
    synchronized boolean accepted(int attempt, Member host) {
        if (attempt != this.attempt || this.host == null || !this.host.getUuid().equals(host.getUuid())) {
            return false;
        }
        accepted = true;
        return cancelOnAccept;
    }

    /** {@code host} died or left while it held the attempt ({@code attempt} 0: whichever is current). */
    synchronized Loss lost(int attempt, Member host) {
        if (decided || !isCurrent(attempt == 0 ? this.attempt : attempt, host)) {
            return Loss.STALE;
        }
        if (this.attempt >= maxAttempts) {
            decided = true;
            return Loss.EXHAUSTED;
        }
        this.attempt++;
        this.host = null;
        refused.clear();
        refusals.clear();
        refusalReason = null;
        return Loss.RETRY;
    }

    /** The attempt ended on {@code host}; true if this decides the job. */
    synchronized boolean finished(int attempt, Member host) {
        if (decided || !isCurrent(attempt, host)) {
            return false;
        }
        decided = true;
        return true;
    }

    /** Decides the job (timeout, cancel, close); null if it was decided already. */
    synchronized Stop stop() {
        if (decided) {
            return null;
        }
        decided = true;
        if (host == null) {
            return new Stop(null, attempt, null, false);
        }
        cancelOnAccept = !host.localMember() && !accepted;
        return new Stop(host, attempt, localRun, !host.localMember() && accepted);
    }

    synchronized int attempt() {
        return attempt;
    }

    synchronized Member host() {
        return host;
    }

    /** What the host's pool is told: what is left of the attempts and of the timeout. */
    JobOptions options(int attempt) {
        JobOptions options = JobOptions.defaults().withPriority(priority).withMaxAttempts(maxAttempts - attempt + 1);
        return timeoutNanos > 0 ? options.withTimeout(Duration.ofNanos(remainingNanos())) : options;
    }

    JobMessage message(UUID self, int attempt) {
        return new JobMessage(self, id, attempt, maxAttempts - attempt + 1, handler, input,
                timeoutNanos > 0 ? remainingNanos() : 0, priority);
    }

    // The timer decides the job at its deadline; a host only needs a positive limit of its own.
    private long remainingNanos() {
        return Math.max(1_000_000, timeoutNanos - (System.nanoTime() - submittedAt));
    }

    private boolean isCurrent(int attempt, Member host) {
        return attempt == this.attempt && this.host != null && this.host.getUuid().equals(host.getUuid());
    }
}
