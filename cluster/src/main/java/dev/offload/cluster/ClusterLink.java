package dev.offload.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.topic.ITopic;
import dev.offload.config.PoolConfig;
import dev.offload.pool.OffloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * This host's Hazelcast member and the two things Offload uses of it: an executor to send messages to
 * one member, and the topic on which hosts publish their {@link HostLoad}. Owns the member;
 * {@link #close()} leaves the cluster. Thread-safe.
 */
final class ClusterLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterLink.class);
    private final HazelcastInstance hazelcast;
    private final IExecutorService executor;
    private final ITopic<HostLoad> loads;
    private final Member self;
    private final String selfAddress;

    private ClusterLink(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.executor = hazelcast.getExecutorService(MemberConfig.EXECUTOR);
        this.loads = hazelcast.getTopic(MemberConfig.LOADS);
        this.self = hazelcast.getCluster().getLocalMember();
        this.selfAddress = addressOf(self);
    }

    /**
     * Starts this host's member and returns once it has joined the cluster of {@code cluster.members}
     * (or formed it, when no listed member answers).
     *
     * @throws OffloadException when the member cannot start, e.g. the bind port is taken
     */
    static ClusterLink join(PoolConfig config, Dispatch dispatch) {
        HazelcastInstance hazelcast;
        try {
            hazelcast = Hazelcast.newHazelcastInstance(MemberConfig.of(config, new Wire(dispatch)));
        } catch (RuntimeException e) {
            throw new OffloadException("cannot join cluster '" + config.clusterName() + "' as " + config.clusterBind()
                    + " (cluster.bind): " + e.getMessage(), e);
        }
        try {
            return new ClusterLink(hazelcast);
        } catch (RuntimeException e) {
            hazelcast.getLifecycleService().terminate();
            throw e;
        }
    }

    /** {@code host:port} of a member as Hazelcast reached it; IPv6 in brackets. */
    static String addressOf(Member member) {
        String host = member.getAddress().getHost();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + member.getAddress().getPort();
    }

    Member self() {
        return self;
    }

    String selfAddress() {
        return selfAddress;
    }

    /** The members now in the cluster, this one included. */
    Collection<Member> members() {
        return hazelcast.getCluster().getMembers();
    }

    /** The member with this id if it is in the cluster now, else null. */
    Member member(UUID id) {
        for (Member m : members()) {
            if (m.getUuid().equals(id)) {
                return m;
            }
        }
        return null;
    }

    /** Tells every member (this one included) this host's load; does not wait for them. */
    void publish(HostLoad load) {
        loads.publish(load);
    }

    /** {@code heard} gets every load published from now on, with who published it, on a Hazelcast event thread. */
    void onLoad(BiConsumer<Member, HostLoad> heard) {
        loads.addMessageListener(message -> heard.accept(message.getPublishingMember(), message.getMessageObject()));
    }

    /**
     * Offers a job; {@code answer} gets the {@link Admission} code, or why none came, on the Hazelcast
     * thread the answer arrives on. It must be quick and must not block.
     */
    void offer(JobMessage job, Member target, BiConsumer<Integer, Throwable> answer) {
        whenDone(executor.submitToMember(job, target), answer);
    }

    /** Sends a result; {@code delivered} hears, as {@link #offer}'s answer does, whether it was run there. */
    void send(ResultMessage result, Member target, BiConsumer<Object, Throwable> delivered) {
        whenDone(executor.submitToMember(result, target), delivered);
    }

    /** Asks {@code host} to stop an attempt it accepted; a cancel that cannot be delivered is only logged. */
    void cancel(long jobId, int attempt, Member host) {
        try {
            whenDone(executor.submitToMember(new CancelMessage(self.getUuid(), jobId, attempt), host), (ignored, failure) -> {
                if (failure != null) {
                    LOG.debug("could not cancel job {} on {}: {}", jobId, addressOf(host), failure.toString());
                }
            });
        } catch (RuntimeException e) { // this member is shutting down
            LOG.debug("could not cancel job {} on {}: {}", jobId, addressOf(host), e.toString());
        }
    }

    /**
     * Runs {@code then} where the answer arrives. Hazelcast's own callbacks go through its default
     * async executor, which on a machine of two cores starts a new thread for every callback; these
     * callbacks are short and never block, so they need no thread of their own.
     */
    @SuppressWarnings("unchecked")
    private static <T> void whenDone(Future<T> future, BiConsumer<? super T, Throwable> then) {
        if (!(future instanceof CompletionStage<?> stage)) {
            throw new IllegalStateException("IExecutorService.submitToMember returned a " + future.getClass().getName()
                    + ", not a CompletionStage as in Hazelcast 5.7: ClusterLink must be adapted to this version");
        }
        ((CompletionStage<T>) stage).whenCompleteAsync(then, Runnable::run);
    }

    /** {@code action} runs on a Hazelcast event thread for every member that leaves or dies from now on. */
    void onMemberLeft(Consumer<Member> action) {
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // a new member publishes its load before anyone routes to it
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                action.accept(event.getMember());
            }
        });
    }

    /** Leaves the cluster: the others see this member go at once rather than after the heartbeat timeout. */
    @Override
    public void close() {
        if (hazelcast.getLifecycleService().isRunning()) {
            hazelcast.shutdown();
        }
    }
}
