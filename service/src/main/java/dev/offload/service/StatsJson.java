package dev.offload.service;

import dev.offload.cluster.ClusterStats;
import dev.offload.pool.PoolStats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code /stats} body: this host's pool figures at the top level ({@code completed} counts the
 * jobs this host's workers ran, whoever submitted them), and, when a cluster is configured,
 * {@code "cluster": {"members": N, "hosts": [{"address", "self", "accepting", "free", "completed"}, …]}}
 * as each host last published itself. Each latency ({@code queueWait}, {@code runTime},
 * {@code endToEnd}) is {@code {"count", "p50Micros", "p90Micros", "p99Micros", "p999Micros",
 * "maxMicros"}}: a key with a unit says it. Stateless; called on the side thread.
 */
final class StatsJson {

    private StatsJson() {
    }

    static byte[] bytes(ClusterStats stats, boolean clustered) {
        Map<String, Object> body = local(stats.local());
        if (clustered) {
            Map<String, Object> cluster = new LinkedHashMap<>();
            cluster.put("members", stats.members().size());
            cluster.put("hosts", stats.members());
            body.put("cluster", cluster);
        }
        return Json.bytes(body);
    }

    /** The pool's figures, in the order of {@link PoolStats}'s components, latencies with their unit. */
    static Map<String, Object> local(PoolStats stats) {
        Map<String, Object> body = Json.fields(stats);
        body.put("queueWait", micros(stats.queueWait()));
        body.put("runTime", micros(stats.runTime()));
        body.put("endToEnd", micros(stats.endToEnd()));
        return body;
    }

    private static Map<String, Object> micros(PoolStats.Latency latency) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", latency.count());
        json.put("p50Micros", latency.p50());
        json.put("p90Micros", latency.p90());
        json.put("p99Micros", latency.p99());
        json.put("p999Micros", latency.p999());
        json.put("maxMicros", latency.max());
        return json;
    }
}
