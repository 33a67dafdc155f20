package dev.offload.cluster;

import com.hazelcast.cluster.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who has room: this host's exact {@link LocalLoad}, and for every other host the {@link HostLoad} it
 * last published, less the jobs this host sent it since and plus those that ended there since (so
 * that a burst of submits spreads out instead of all going to the host that looked emptiest a moment
 * ago, and a stream of short jobs is not held back by a figure that is 20 ms old).
 *
 * <p>{@link #tick} runs on the {@code offload-cluster-timer} thread and publishes this host's figure
 * on a topic when it changed, at once when a host it had not heard of publishes its first (so a host
 * that joins learns the others' figures within a tick), and once a second anyway. A topic rather
 * than a replicated map: a publication is one event sent to each member without waiting, where a map
 * update is a call to the key's partition owner, and nothing is left to clean up when a host dies.
 * Figures are versioned by their publisher, and an older one never replaces a newer one. Other hosts'
 * figures arrive on Hazelcast event threads; {@link #best}, {@link #sent} and {@link #returned} run on
 * submitting and Hazelcast threads.
 */
final class LoadBoard {
    /** How often this host's figure is published when it changed. */
    static final long PUBLISH_PERIOD_MS = 20;
    private static final long REPUBLISH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ClusterLink link;
    private final LocalLoad local;
    private final ConcurrentHashMap<UUID, Estimate> others = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;
    /** A host this one had not heard of has published: answer with this host's figure. */
    private volatile boolean newcomer;
    private HostLoad lastPublished; // guarded by this
    private long lastPublishedAt; // guarded by this

    LoadBoard(ClusterLink link, LocalLoad local) {
        this.link = link;
        this.local = local;
        link.onLoad(this::heard);
    }

    /**
     * The host to offer a job to next: the one with the most room, skipping the hosts in {@code refused}
     * and hosts that do not take jobs; null when none is left. Another host wins a tie with this one:
     * a submit that gets here found no free worker on this host, while another host's figure may be
     * a moment old and it may have one free by now.
     */
    Member best(Set<UUID> refused) {
        Member best = null;
        int bestFree = Integer.MIN_VALUE;
        for (Member member : link.members()) {
            Estimate estimate = others.get(member.getUuid());
            if (member.localMember() || refused.contains(member.getUuid()) || estimate == null || !estimate.accepting()) {
                continue;
            }
            int free = estimate.free.get();
            if (best == null || free > bestFree) {
                best = member;
                bestFree = free;
            }
        }
        Member self = link.self();
        if (accepting && !refused.contains(self.getUuid()) && (best == null || local.free() > bestFree)) {
            best = self;
        }
        return best;
    }

    /** A job was offered to {@code member}: count it against its room until it publishes again. */
    void sent(Member member) {
        Estimate estimate = others.get(member.getUuid());
        if (estimate != null) {
            estimate.free.decrementAndGet();
        }
    }

    /** A job {@code member} held has ended there: count its room back until it publishes again. */
    void returned(Member member) {
        Estimate estimate = others.get(member.getUuid());
        if (estimate != null) {
            estimate.free.incrementAndGet();
        }
    }

    /** From now on this host takes no jobs from others, and says so at once. */
    void stopAccepting() {
        accepting = false;
        tick();
    }

    /** Publishes this host's figure if it changed, or if a second has passed since it was last published. */
    synchronized void tick() {
        long now = System.nanoTime();
        long version = lastPublished == null ? 1 : lastPublished.version() + 1;
        HostLoad load = new HostLoad(version, link.selfAddress(), accepting, local.free(), local.completed());
        if (!load.sameFigures(lastPublished) || newcomer || now - lastPublishedAt >= REPUBLISH_NANOS) {
            newcomer = false;
            link.publish(load);
            lastPublished = load;
            lastPublishedAt = now;
        }
    }

    /** A member left: forget its figure. */
    void forget(Member member) {
        others.remove(member.getUuid());
    }

    /** Every member now in the cluster with what it last published; this host with its live figures. */
    List<ClusterStats.Member> members() {
        var members = new ArrayList<ClusterStats.Member>();
        for (Member member : link.members()) {
            if (member.localMember()) {
                members.add(new ClusterStats.Member(link.selfAddress(), true, accepting, local.free(), local.completed()));
                continue;
            }
            Estimate estimate = others.get(member.getUuid());
            HostLoad load = estimate == null ? null : estimate.last;
            members.add(load == null
                    ? new ClusterStats.Member(ClusterLink.addressOf(member), false, false, 0, 0)
                    : new ClusterStats.Member(load.address(), false, load.accepting(), load.free(), load.completed()));
        }
        return members;
    }

    private void heard(Member from, HostLoad load) {
        // Skips this host's own figure, and a late one from a host that has left since.
        if (from == null || from.localMember() || link.member(from.getUuid()) == null) {
            return;
        }
        others.computeIfAbsent(from.getUuid(), k -> {
            newcomer = true;
            return new Estimate();
        }).heard(load);
    }

    /** Another host's room as this host reckons it: its last figure, less what was sent it since. */
    private static final class Estimate {
        final AtomicInteger free = new AtomicInteger();
        volatile HostLoad last;

        synchronized void heard(HostLoad load) {
            if (last == null || load.version() > last.version()) {
                last = load;
                free.set(load.free());
            }
        }

        boolean accepting() {
            HostLoad load = last;
            return load != null && load.accepting();
        }
    }
}
