package dev.offload.cluster;

import com.hazelcast.cluster.Member;
import dev.offload.pool.JobOptions;
import dev.offload.pool.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs other hosts' jobs in this host's pool and sends each outcome back to its submitter. Offers and
 * cancels arrive on Hazelcast executor threads, a submitter's departure on a Hazelcast event thread;
 * outcomes are sent from the pool's callback threads. Never blocks: an offer is answered as soon as
 * the pool has accepted or refused the job.
 */
final class Inbox {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

    private final WorkerPool pool;
    private final ClusterLink link;
    private final LocalLoad load;
    private final UUID self;
    private final ConcurrentHashMap<HostedKey, CompletableFuture<byte[]>> hosted = new ConcurrentHashMap<>();
    /** Hosted jobs not yet answered, and answers not yet delivered. */
    private final Drain unanswered = new Drain();
    private volatile boolean accepting = true;
    private volatile boolean closing;

    Inbox(WorkerPool pool, ClusterLink link, LocalLoad load) {
        this.pool = pool;
        this.link = link;
        this.load = load;
        this.self = link.self().getUuid();
    }

    Admission admit(JobMessage job) {
        // Counted before accepting is read, so that drained() started after stopAccepting() waits for it.
        unanswered.enter();
        // A submitter that left while the offer travelled would never read the result.
        Member submitter = link.member(job.submitter());
        Admission admission = !accepting || submitter == null ? Admission.SHUT_DOWN : start(job, submitter);
        if (admission != Admission.ACCEPTED) {
            unanswered.exit();
        }
        return admission;
    }

    private Admission start(JobMessage job, Member submitter) {
        load.reserve();
        CompletableFuture<byte[]> future = pool.submitJson(job.handler(), job.input(), optionsOf(job));
        Admission admission = Admission.of(future);
        if (admission != Admission.ACCEPTED) {
            load.release(false);
            return admission;
        }
        HostedKey key = new HostedKey(job.submitter(), job.jobId(), job.attempt());
        hosted.put(key, future);
        future.whenComplete((result, failure) -> finished(key, future, submitter, result, failure));
        if (link.member(job.submitter()) == null) {
            future.cancel(true); // it left after the check in admit(): submitterLeft may have run before the put
        }
        return Admission.ACCEPTED;
    }

    void cancel(CancelMessage cancel) {
        CompletableFuture<byte[]> future = hosted.get(cancel.key());
        if (future != null) {
            future.cancel(true);
        }
    }

    /** Jobs whose submitter has left are cancelled: nobody is waiting for them any more. */
    void submitterLeft(Member member) {
        hosted.forEach((key, future) -> {
            if (key.submitter().equals(member.getUuid())) {
                LOG.info("cancelling job {} (attempt {}): its submitter {} left the cluster", key.jobId(), key.attempt(),
                        ClusterLink.addressOf(member));
                future.cancel(true);
            }
        });
    }

    /** Offers are refused from now on; jobs already accepted run to the end and are answered. */
    void stopAccepting() {
        accepting = false;
    }

    /**
     * The pool is about to be killed under the jobs still running. Their failures are not sent: the
     * submitters will see this host leave and run the jobs again elsewhere, which is what they would
     * have done had it died.
     */
    void closing() {
        closing = true;
    }

    /** Completes once every accepted job has been answered (after {@link #stopAccepting()}). */
    CompletableFuture<Void> drained() {
        return unanswered.start();
    }

    private void finished(HostedKey key, CompletableFuture<byte[]> future, Member submitter, byte[] result,
                          Throwable failure) {
        hosted.remove(key, future);
        load.release(failure == null);
        if (future.isCancelled() || (closing && failure != null)) {
            unanswered.exit(); // cancelled by its submitter (which already decided), or see closing()
            return;
        }
        var message = new ResultMessage(self, key.jobId(), key.attempt(), Outcome.of(result, failure));
        try {
            link.send(message, submitter, (ignored, t) -> {
                if (t != null) {
                    LOG.debug("the outcome of job {} (attempt {}) did not reach {}: {}", key.jobId(), key.attempt(),
                            ClusterLink.addressOf(submitter), t.toString());
                }
                unanswered.exit();
            });
        } catch (RuntimeException e) { // the member is shutting down under us
            LOG.debug("cannot send the outcome of job {} to {}: {}", key.jobId(), ClusterLink.addressOf(submitter), e.toString());
            unanswered.exit();
        }
    }

    private static JobOptions optionsOf(JobMessage job) {
        JobOptions options = JobOptions.defaults().withPriority(job.priority()).withMaxAttempts(Math.max(1, job.attemptsLeft()));
        return job.timeoutNanos() > 0 ? options.withTimeout(Duration.ofNanos(job.timeoutNanos())) : options;
    }
}
