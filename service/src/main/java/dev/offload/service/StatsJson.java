package dev.offload.service;

import dev.offload.cluster.ClusterStats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code /stats} body: this host's pool figures at the top level ({@code completed} counts the
 * jobs this host's workers ran, whoever submitted them), and, when a cluster is configured,
 * {@code "cluster": {"members": N, "hosts": [{"address", "self", "accepting", "free", "completed"}, …]}}
 * as each host last published itself. Without a cluster the body is this host's figures alone, as
 * it was before clusters. Stateless; called on the side thread.
 */
final class StatsJson {

    private StatsJson() {
    }

    static byte[] bytes(ClusterStats stats, boolean clustered) {
        if (!clustered) {
            return Json.bytes(stats.local());
        }
        Map<String, Object> body = Json.fields(stats.local());
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("members", stats.members().size());
        cluster.put("hosts", stats.members());
        body.put("cluster", cluster);
        return Json.bytes(body);
    }
}
