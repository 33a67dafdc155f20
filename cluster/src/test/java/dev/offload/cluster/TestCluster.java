package dev.offload.cluster;

import dev.offload.config.PoolConfig;
import dev.offload.config.PoolConfigBuilder;
import dev.offload.transport.internal.shm.ShmDirectory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hosts of one test's cluster: in this JVM ({@link #join}) or forked ({@link #host}), all on 127.0.0.1
 * with free ports, one worker each, a cluster name of their own. After each test every pool is closed,
 * every host stopped, and nothing may be left: no host or worker JVM (found by a marker on their
 * command lines, since a killed host's workers are no longer this JVM's descendants) and no shm
 * directory of a host; those of a killed host are swept as the next pool start would. Registered on
 * a static field ({@link #shared()}), the hosts serve every test of the class and the check runs after all.
 */
final class TestCluster implements AfterEachCallback, AfterAllCallback {
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");
    static final Duration READY = Duration.ofSeconds(60);
    private static final Path SHM = Path.of("/dev/shm");
    private static final Path LOGS = Path.of("target", "cluster-hosts");

    /** On the command line of every JVM this test starts. */
    private final ProcessMarker processes = new ProcessMarker();
    final String marker = processes.flag();
    final String name = "offload-test-" + Long.toHexString(System.nanoTime());
    private final List<ClusterPool> pools = new CopyOnWriteArrayList<>();
    private final List<HostProcess> hosts = new CopyOnWriteArrayList<>();
    private final boolean shared;

    TestCluster() {
        this(false);
    }

    private TestCluster(boolean shared) {
        this.shared = shared;
    }

    /** For a static field: the hosts live until every test of the class has run. */
    static TestCluster shared() {
        return new TestCluster(true);
    }

    /** {@code n} free {@code 127.0.0.1:port} addresses. */
    static List<String> freeAddresses(int n) throws IOException {
        return ProcessMarker.freeAddresses(n);
    }

    /** The config of a host of this cluster: one worker, a small heap, fast start. */
    PoolConfigBuilder config(String bind, List<String> members) {
        var jvmArgs = new ArrayList<>(FAST_START);
        jvmArgs.add(marker);
        return PoolConfig.builder()
                .minWorkers(1).maxWorkers(1)
                .workerHeap("64m").workerJvmArgs(jvmArgs).startTimeout(Duration.ofSeconds(30))
                .clusterName(name).clusterBind(bind).clusterMembers(members)
                .clusterHeartbeatTimeout(Duration.ofSeconds(3));
    }

    /** A host in this JVM, closed after the test. */
    ClusterPool join(PoolConfig config) {
        ClusterPool pool = ClusterPool.join(config);
        pools.add(pool);
        return pool;
    }

    /** A host in a JVM of its own with the {@link #config} of this cluster; not waited for. */
    HostProcess host(String bind, List<String> members) throws IOException {
        return host(config(bind, members).build());
    }

    HostProcess host(PoolConfig config) throws IOException {
        Files.createDirectories(LOGS);
        var overrides = new LinkedHashMap<String, String>();
        config.toMap().forEach((section, value) -> flatten(section, value, overrides));
        HostProcess host = HostProcess.start(config.clusterBind(), overrides, List.of("-Xmx128m", marker), LOGS);
        hosts.add(host);
        return host;
    }

    /**
     * Waits until {@code pool} and every host see {@code n} members, each of which has published its
     * load: only then does every host know where it may send jobs.
     */
    static void awaitEveryoneSeesEveryone(ClusterPool pool, int n, HostProcess... hosts) {
        await("every host to see " + n + " members that published their load").atMost(READY).untilAsserted(() -> {
            assertThat(pool.stats().members()).hasSize(n).allMatch(ClusterStats.Member::accepting);
            for (HostProcess host : hosts) {
                var seen = host.stats().get("members");
                assertThat(seen.size()).as("members %s sees", host.bind).isEqualTo(n);
                seen.forEach(m -> assertThat(m.get("accepting").asBoolean()).as("%s as %s sees it", m, host.bind).isTrue());
            }
        });
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!shared) {
            stopAndCheck(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (shared) {
            stopAndCheck(context);
        }
    }

    private void stopAndCheck(ExtensionContext context) throws Exception {
        try {
            for (ClusterPool pool : pools) {
                pool.close();
            }
        } finally {
            for (HostProcess host : hosts) {
                host.close();
            }
        }
        await("JVMs of " + context.getDisplayName() + " to exit").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(processes.live()).as("host or worker JVMs still running").isEmpty());
        ShmDirectory.sweep(SHM); // what the next pool start would do for a killed host
        var pids = new ArrayList<Long>();
        pids.add(ProcessHandle.current().pid());
        hosts.forEach(h -> pids.add(h.pid()));
        await("shm directories of " + context.getDisplayName() + " to go").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(shmDirectories(pids)).as("shm directories left").isEmpty());
    }

    private static List<Path> shmDirectories(List<Long> pids) throws IOException {
        if (!Files.isDirectory(SHM)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(SHM)) {
            return entries.filter(p -> pids.stream().anyMatch(pid -> p.getFileName().toString().startsWith("offload-" + pid + "-")))
                    .toList();
        }
    }

    /** {@code workers: {min: 1}} → {@code workers.min=1}; lists comma-separated, maps one entry each. */
    @SuppressWarnings("unchecked")
    private static void flatten(String key, Object value, Map<String, String> into) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(key + "." + k, v, into));
        } else if (value instanceof List<?> list) {
            into.put(key, String.join(",", (List<String>) list));
        } else {
            into.put(key, String.valueOf(value));
        }
    }
}
