package dev.offload.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who has room: this host's exact {@link LocalLoad}, and for every other host the {@link HostLoad} it
 * last published, less the jobs this host sent it since (so that a burst of submits spreads out
 * instead of all going to the host that looked emptiest a moment ago). {@link #publish} runs on the
 * {@code offload-cluster-timer} thread; {@link #best} on any submitting or Hazelcast thread; the
 * published figures arrive on Hazelcast event threads.
 */
final class LoadBoard {
    /** How often this host's figure is published when it changed. */
    static final long PUBLISH_PERIOD_MS = 20;

    private final ClusterLink link;
    private final LocalLoad local;
    private final String selfKey;
    private final ConcurrentHashMap<UUID, Estimate> others = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;
    private HostLoad lastPublished; // publishing thread only

    LoadBoard(ClusterLink link, LocalLoad local) {
        this.link = link;
        this.local = local;
        this.selfKey = link.self().getUuid().toString();
        link.loads().addEntryListener(new EntryAdapter<>() {
            @Override
            public void entryAdded(EntryEvent<String, HostLoad> event) {
                heard(event.getKey(), event.getValue());
            }

            @Override
            public void entryUpdated(EntryEvent<String, HostLoad> event) {
                heard(event.getKey(), event.getValue());
            }

            @Override
            public void entryRemoved(EntryEvent<String, HostLoad> event) {
                others.remove(UUID.fromString(event.getKey()));
            }
        });
        // Entries published before the listener was added (this host joined an existing cluster).
        link.loads().forEach(this::heard);
    }

    /**
     * The host to offer a job to next: the one with the most room, this host on a tie (no network),
     * skipping the hosts in {@code refused} and hosts that do not take jobs; null when none is left.
     */
    Member best(Set<UUID> refused) {
        Member best = null;
        int bestFree = Integer.MIN_VALUE;
        Member self = link.self();
        if (accepting && !refused.contains(self.getUuid())) {
            best = self;
            bestFree = local.free();
        }
        for (Member member : link.members()) {
            Estimate estimate = others.get(member.getUuid());
            if (estimate == null || !estimate.accepting || refused.contains(member.getUuid()) || member.localMember()) {
                continue;
            }
            int free = estimate.free.get();
            if (best == null || free > bestFree) {
                best = member;
                bestFree = free;
            }
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

    /** From now on this host takes no jobs from others, and says so at once. */
    void stopAccepting() {
        accepting = false;
        publish();
    }

    /** Publishes this host's figure if it changed since the last time. */
    synchronized void publish() {
        HostLoad now = new HostLoad(link.selfAddress(), accepting, local.free(), local.completed());
        if (!now.equals(lastPublished)) {
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

    private void heard(String key, HostLoad load) {
        if (key.equals(selfKey) || load == null) {
            return;
        }
        UUID id = UUID.fromString(key);
        Estimate estimate = others.computeIfAbsent(id, k -> new Estimate());
        estimate.accepting = load.accepting();
        estimate.free.set(load.free());
    }

    /** Another host's room as this host reckons it. */
    private static final class Estimate {
        final AtomicInteger free = new AtomicInteger();
        volatile boolean accepting;
    }
}
