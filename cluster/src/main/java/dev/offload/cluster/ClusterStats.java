package dev.offload.cluster;

import dev.offload.pool.PoolStats;

import java.util.List;

/**
 * A snapshot of a {@link ClusterPool}: this host's own pool, and every member of the cluster as it
 * last published itself.
 *
 * @param local   this host's pool; {@code completed} counts the jobs this host's workers ran, whoever
 *                submitted them
 * @param members the members now in the cluster, this host included (empty when not in a cluster)
 */
public record ClusterStats(PoolStats local, List<Member> members) {

    /** Copies {@code members}. */
    public ClusterStats {
        members = List.copyOf(members);
    }

    /**
     * One member of the cluster.
     *
     * @param address   {@code host:port} its cluster member listens on
     * @param self      true for this host
     * @param accepting false once it drains (shuts down) or before it first published
     * @param free      its workers free minus its jobs waiting, as last published (every 20 ms
     *                  while it changes): negative while jobs queue there
     * @param completed jobs its workers finished with a result, as last published
     */
    public record Member(String address, boolean self, boolean accepting, int free, long completed) {
    }
}
