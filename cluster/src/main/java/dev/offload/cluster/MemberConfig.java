package dev.offload.cluster;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.offload.config.PoolConfig;

import java.net.InetSocketAddress;

/**
 * The Hazelcast member configuration of a host, built from the {@code cluster} section of a
 * {@link PoolConfig}, programmatically, so that no {@code hazelcast.xml} on the class path can add to
 * it. Joins over TCP/IP to the listed members only: no multicast, no auto-detection, no phone-home.
 */
final class MemberConfig {
    static final String EXECUTOR = "offload-jobs";
    static final String LOADS = "offload-loads";
    /** Executor threads per host: messages are handled without blocking, so a few are plenty. */
    static final int EXECUTOR_THREADS = 4;
    /** Hazelcast sends member heartbeats this often; {@code cluster.heartbeatTimeout} is counted in these. */
    static final int HEARTBEAT_INTERVAL_SECONDS = 1;

    private MemberConfig() {
    }

    static Config of(PoolConfig pool, Wire wire) {
        InetSocketAddress bind = pool.clusterBindAddress();
        Config config = new Config();
        config.setClusterName(pool.clusterName());
        // Hazelcast's threads are named hz.<instance name>.*, so this says whose they are.
        config.setInstanceName("offload-" + pool.clusterName() + "-" + bind.getPort());

        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // ClusterPool.close() leaves the cluster after its local jobs finished; Hazelcast's own hook
        // would leave first and strand the results of those jobs.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(HEARTBEAT_INTERVAL_SECONDS));
        config.setProperty("hazelcast.max.no.heartbeat.seconds",
                Long.toString(pool.clusterHeartbeatTimeout().toSeconds()));
        // Listen on the bind address only, never on every interface.
        config.setProperty("hazelcast.local.localAddress", bind.getHostString());
        config.setProperty("hazelcast.socket.bind.any", "false");
        // The first member of a cluster waits this long for others before it forms the cluster alone.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(bind.getPort()).setPortAutoIncrement(false).setPortCount(1);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(pool.clusterMembers());

        config.getSerializationConfig().addDataSerializableFactory(Wire.FACTORY_ID, wire);
        config.getSerializationConfig().setJavaSerializationFilterConfig(javaSerializationFilter());

        config.getExecutorConfig(EXECUTOR).setPoolSize(EXECUTOR_THREADS).setStatisticsEnabled(false);
        config.getTopicConfig(LOADS).setStatisticsEnabled(false);
        config.getJetConfig().setEnabled(false);
        return config;
    }

    /**
     * Offload's own messages are {@link com.hazelcast.nio.serialization.IdentifiedDataSerializable} and
     * never reach Java deserialisation, so none of Offload's classes is on the list: a {@code Serializable}
     * class of the application's, Offload's or a library's is refused like any other. What still may
     * arrive Java-serialized is an exception in an error response (JDK or Hazelcast types), so exactly
     * those packages are allowed, and Hazelcast's broader defaults (every {@code java*} class, every
     * array) are not.
     */
    static JavaSerializationFilterConfig javaSerializationFilter() {
        ClassFilter allowed = new ClassFilter()
                .addPackages("java.lang", "java.util.concurrent")
                .addClasses("java.util.ArrayList", "java.util.Collections$EmptyList",
                        "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableList",
                        "java.util.Collections$UnmodifiableRandomAccessList", "[Ljava.lang.StackTraceElement;",
                        "[Ljava.lang.Throwable;", "[Ljava.lang.Object;")
                .addPrefixes("com.hazelcast.");
        return new JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(allowed);
    }
}
