package dev.offload.cluster;

import com.hazelcast.cluster.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who has room: this host's exact {@link LocalLoad}, and for every other host the {@link HostLoad} it
 * last published, less the jobs this host sent it since and plus those that ended there since (so
 * that a burst of submits spreads out instead of all going to the host that looked emptiest a moment
 * ago, and a stream of short jobs is not held back by a figure that is 20 ms old). {@link #tick} runs on the
 * {@code offload-cluster-timer} thread: it publishes this host's figure and reads the others' from the
 * map's local replica (a map listener would miss what was replicated before it was registered
 * everywhere). {@link #best} and {@link #sent} run on submitting and Hazelcast threads.
 */
final class LoadBoard {
    /** How often this host's figure is published when it changed. */
    static final long PUBLISH_PERIOD_MS = 20;

    private final ClusterLink link;
    private final LocalLoad local;
    private final String selfKey;
    private final ConcurrentHashMap<UUID, Estimate> others = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;
    private HostLoad lastPublished; // guarded by this

    LoadBoard(ClusterLink link, LocalLoad local) {
        this.link = link;
        this.local = local;
        this.selfKey = link.self().getUuid().toString();
    }

    /** Publishes this host's figure if it changed, and takes in the others' newer figures. */
    void tick() {
        publish();
        for (var entry : link.loads().entrySet()) {
            UUID id = UUID.fromString(entry.getKey());
            if (!entry.getKey().equals(selfKey) && link.member(id) != null) {
                others.computeIfAbsent(id, k -> new Estimate()).heard(entry.getValue());
            }
        }
    }

    /** A member's estimate; a member not yet taken in by {@link #tick} is read from the map now. */
    private Estimate estimateOf(Member member) {
        Estimate estimate = others.get(member.getUuid());
        if (estimate == null) {
            HostLoad load = link.loads().get(member.getUuid().toString());
            if (load != null) {
                estimate = others.computeIfAbsent(member.getUuid(), k -> new Estimate());
                estimate.heard(load);
            }
        }
        return estimate;
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
            if (member.localMember() || refused.contains(member.getUuid())) {
                continue;
            }
            Estimate estimate = estimateOf(member);
            if (estimate == null || !estimate.accepting) {
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
        publish();
    }

    /** Publishes this host's figure if it changed since the last time. */
    synchronized void publish() {
        long version = lastPublished == null ? 1 : lastPublished.version() + 1;
        HostLoad now = new HostLoad(version, link.selfAddress(), accepting, local.free(), local.completed());
        if (!now.sameFigures(lastPublished)) {
            link.loads().put(selfKey, now);
            lastPublished = now;
        }
    }

    /** A member left: forget its figure, here and in the map (every host tries; the first one wins). */
    void forget(Member member) {
        others.remove(member.getUuid());
        link.loads().remove(member.getUuid().toString());
    }

    /** Every member now in the cluster with what it last published; this host with its live figures. */
    List<ClusterStats.Member> members() {
        var members = new ArrayList<ClusterStats.Member>();
        for (Member member : link.members()) {
            if (member.localMember()) {
                members.add(new ClusterStats.Member(link.selfAddress(), true, accepting, local.free(), local.completed()));
                continue;
            }
            HostLoad load = link.loads().get(member.getUuid().toString());
            members.add(load == null
                    ? new ClusterStats.Member(ClusterLink.addressOf(member), false, false, 0, 0)
                    : new ClusterStats.Member(ClusterLink.addressOf(member), false, load.accepting(), load.free(),
                    load.completed()));
        }
        return members;
    }

    /** Another host's room as this host reckons it: its last figure, less what was sent it since. */
    private static final class Estimate {
        final AtomicInteger free = new AtomicInteger();
        volatile boolean accepting;
        private long version; // guarded by this

        synchronized void heard(HostLoad load) {
            if (load.version() > version) {
                version = load.version();
                accepting = load.accepting();
                free.set(load.free());
            }
        }
    }
}
