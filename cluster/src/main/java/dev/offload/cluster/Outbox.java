package dev.offload.cluster;

import com.fasterxml.jackson.databind.JavaType;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.MemberLeftException;
import dev.offload.pool.JobOptions;
import dev.offload.pool.JobTimeoutException;
import dev.offload.pool.OffloadException;
import dev.offload.pool.PoolRejectedException;
import dev.offload.pool.WorkerCrashedException;
import dev.offload.pool.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Places this host's jobs on the host with the most room and sees each to one outcome: offers it,
 * offers it to the next host when one refuses (no attempt used), runs it again elsewhere when its
 * host dies (one attempt used), times it out and cancels it wherever it runs. Called from submitting
 * threads, Hazelcast executor and event threads, the pool's callback threads and the
 * {@code offload-cluster-timer} thread; each job's state is guarded by its {@link RemoteJob}, and no
 * lock is held while a message is sent or a future completed.
 */
final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final WorkerPool pool;
    private final ClusterLink link;
    private final LoadBoard board;
    private final LocalLoad load;
    private final ScheduledExecutorService timer;
    /** Where results of jobs without an executor of their own complete: see {@code jobs.completion}. */
    private final Executor callbacks;
    private final int defaultMaxAttempts;
    private final Duration defaultTimeout;
    private final ConcurrentHashMap<Long, RemoteJob> jobs = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Drain undecided = new Drain();

    Outbox(WorkerPool pool, ClusterLink link, LoadBoard board, LocalLoad load, ScheduledExecutorService timer,
           Executor callbacks, int defaultMaxAttempts, Duration defaultTimeout) {
        this.pool = pool;
        this.link = link;
        this.board = board;
        this.load = load;
        this.timer = timer;
        this.callbacks = callbacks;
        this.defaultMaxAttempts = defaultMaxAttempts;
        this.defaultTimeout = defaultTimeout;
    }

    /** {@code output} null: the future gets the result's JSON bytes. Never blocks. */
    CompletableFuture<Object> submit(String handler, byte[] input, JavaType output, JobOptions options) {
        long id = ids.incrementAndGet();
        Duration timeout = options.timeout() != null ? options.timeout() : defaultTimeout;
        int attempts = options.maxAttempts() > 0 ? options.maxAttempts() : defaultMaxAttempts;
        Executor completion = options.executor() != null ? options.executor() : callbacks;
        RemoteJob job = new RemoteJob(id, handler, input, output, options.priority(), attempts, timeout.toNanos(),
                completion, cancelled -> stop(cancelled, null));
        jobs.put(id, job);
        undecided.enter();
        job.future.whenComplete((value, failure) -> {
            jobs.remove(id);
            var t = job.timer;
            if (t != null) {
                t.cancel(false);
            }
            undecided.exit();
        });
        if (!timeout.isZero()) {
            job.timer = timer.schedule(() -> stop(job, timedOut(job, timeout)), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        place(job);
        return job.future;
    }

    /** A host sent the outcome of an attempt (Hazelcast executor thread). */
    void result(ResultMessage message) {
        Member host = link.member(message.host());
        if (host == null) {
            return; // it left meanwhile, and its jobs are being run again elsewhere
        }
        board.returned(host);
        RemoteJob job = jobs.get(message.jobId());
        if (job == null) {
            return; // decided already: timed out or cancelled
        }
        Outcome outcome = message.outcome();
        switch (outcome.kind) {
            case REJECTED -> { // that host's pool closed before the job could start
                if (job.refused(message.attempt(), host, Admission.SHUT_DOWN)) {
                    place(job);
                }
            }
            case CANCELLED -> lost(job, message.attempt(), host, "cancelled the job");
            default -> {
                if (job.finished(message.attempt(), host)) {
                    if (outcome.kind == Outcome.Kind.RESULT) {
                        Delivery.succeed(job, outcome.result, "host " + ClusterLink.addressOf(host));
                    } else {
                        Delivery.fail(job, outcome.toException(ClusterLink.addressOf(host)));
                    }
                }
            }
        }
    }

    /** A member left or died (Hazelcast event thread): every attempt it held is run again or fails. */
    void hostLeft(Member host) {
        int again = 0;
        int failed = 0;
        for (RemoteJob job : jobs.values()) {
            switch (lost(job, 0, host, "left the cluster")) {
                case RETRY -> again++;
                case EXHAUSTED -> failed++;
                case STALE -> { }
            }
        }
        if (again + failed > 0) {
            LOG.warn("host {} left the cluster holding {} job(s) of this host: {} run again elsewhere, {} failed (no attempt left)",
                    ClusterLink.addressOf(host), again + failed, again, failed);
        }
    }

    /** Completes once every job submitted so far is decided. */
    CompletableFuture<Void> drained() {
        return undecided.start();
    }

    /** Fails every undecided job: this host is closing and will not see them through. */
    void abandonAll() {
        for (RemoteJob job : jobs.values()) {
            stop(job, new OffloadException("the cluster pool closed before " + job.describe() + " finished"));
        }
    }

    private void place(RemoteJob job) {
        while (true) {
            RemoteJob.Placement placement = job.place(board);
            if (placement == null) {
                return;
            }
            if (placement.host() == null) {
                Delivery.fail(job, job.rejection());
                return;
            }
            if (!placement.host().localMember()) {
                offer(job, placement.attempt(), placement.host());
                return;
            }
            if (runLocally(job, placement.attempt(), placement.host())) {
                return;
            }
        }
    }

    /** False when this host's pool refused the attempt and it must be placed again. */
    private boolean runLocally(RemoteJob job, int attempt, Member self) {
        load.reserve();
        CompletableFuture<byte[]> run = pool.submitJson(job.handler, job.input, job.options(attempt));
        Admission admission = Admission.of(run);
        if (admission != Admission.ACCEPTED) {
            load.release(false);
            return !job.refused(attempt, self, admission); // not refused: decided meanwhile, nothing to place
        }
        run.whenComplete((result, failure) -> {
            load.release(failure == null);
            ranLocally(job, attempt, self, result, failure);
        });
        if (!job.runningLocally(attempt, self, run)) {
            run.cancel(true); // decided while the pool took it
        }
        return true;
    }

    private void ranLocally(RemoteJob job, int attempt, Member self, byte[] result, Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof PoolRejectedException) { // the pool closed before the job could start
            if (job.refused(attempt, self, Admission.SHUT_DOWN)) {
                place(job);
            }
        } else if (job.finished(attempt, self)) {
            if (f == null) {
                Delivery.succeed(job, result, "this host");
            } else {
                Delivery.fail(job, f);
            }
        }
    }

    private void offer(RemoteJob job, int attempt, Member host) {
        board.sent(host);
        try {
            link.offer(job.message(link.self().getUuid(), attempt), host, (code, failure) -> {
                if (failure == null) {
                    answered(job, attempt, host, Admission.ofCode(code));
                } else {
                    offerFailed(job, attempt, host, unwrap(failure));
                }
            });
        } catch (RuntimeException e) { // this member is shutting down
            offerFailed(job, attempt, host, e);
        }
    }

    private void answered(RemoteJob job, int attempt, Member host, Admission admission) {
        if (admission == Admission.ACCEPTED) {
            if (job.accepted(attempt, host)) {
                link.cancel(job.id, attempt, host);
            }
        } else if (job.refused(attempt, host, admission)) {
            place(job);
        }
    }

    private void offerFailed(RemoteJob job, int attempt, Member host, Throwable t) {
        if (t instanceof MemberLeftException) { // it may have started there: as if the host died under it
            lost(job, attempt, host, "left the cluster");
        } else if (job.unreachable(attempt, host, t)) {
            LOG.debug("{} could not be offered to {}: {}", job.describe(), ClusterLink.addressOf(host), t.toString());
            place(job);
        }
    }

    private RemoteJob.Loss lost(RemoteJob job, int attempt, Member host, String how) {
        int attemptLost = job.attempt();
        RemoteJob.Loss loss = job.lost(attempt, host);
        switch (loss) {
            case STALE -> { }
            case RETRY -> {
                LOG.debug("host {} {} while it held {} (attempt {} of {}): running it again elsewhere",
                        ClusterLink.addressOf(host), how, job.describe(), attemptLost, job.maxAttempts);
                place(job);
            }
            case EXHAUSTED -> Delivery.fail(job, new WorkerCrashedException(job.describe() + " was lost with host "
                    + ClusterLink.addressOf(host) + ", which " + how + ", on attempt " + attemptLost + " of "
                    + job.maxAttempts, -1, null, List.of()));
        }
        return loss;
    }

    /** Decides the job with {@code failure} (null: it was cancelled by its caller) and stops its attempt. */
    private void stop(RemoteJob job, OffloadException failure) {
        RemoteJob.Stop stop = job.stop();
        if (stop == null) {
            return;
        }
        if (failure != null) {
            Delivery.fail(job, failure);
        }
        if (stop.localRun() != null) {
            stop.localRun().cancel(true);
        } else if (stop.sendCancel()) {
            link.cancel(job.id, stop.attempt(), stop.host());
        }
    }

    private JobTimeoutException timedOut(RemoteJob job, Duration timeout) {
        Member host = job.host();
        String where = host == null ? "" : host.localMember() ? " (running on this host)"
                : " (running on host " + ClusterLink.addressOf(host) + ")";
        return new JobTimeoutException(job.describe() + " timed out after " + timeout.toMillis() + " ms on attempt "
                + job.attempt() + where, timeout);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
