package dev.offload.service;

import dev.offload.cluster.ProcessMarker;
import dev.offload.cluster.handlers.Fib;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14's done-when: three {@code bin/offload serve} processes on this machine, one worker each,
 * each with a {@code cluster} section listing all three. 300 concurrent {@code POST /jobs/fib} sent
 * to host A are all answered right, and hosts B and C ran some of them; the same when C, which
 * receives no request, is SIGKILLed halfway.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClusterServeIT {
    private static final int JOBS = 300;

    @RegisterExtension
    final ServeProcesses services = new ServeProcesses();

    @TempDir
    Path dir;

    private final List<ServeProcess> hosts = new ArrayList<>();

    @Test
    void shouldAnswer300JobsSentToOneHostWithEveryHostRunningSome() throws Exception {
        startThree();
        ServeProcess a = hosts.get(0);
        long start = System.nanoTime();

        List<CompletableFuture<Http.Reply>> replies = postConcurrently(a);

        assertAllRight(replies);
        long ms = (System.nanoTime() - start) / 1_000_000;
        long[] ran = {completed(a), completed(hosts.get(1)), completed(hosts.get(2))};
        System.out.printf("%d jobs sent to A answered right in %d ms; run on A %d, B %d, C %d%n", JOBS, ms, ran[0], ran[1], ran[2]);
        assertThat(ran[1]).as("jobs host B ran").isPositive();
        assertThat(ran[2]).as("jobs host C ran").isPositive();
        assertThat(ran[0] + ran[1] + ran[2]).as("jobs run on the three hosts").isEqualTo(JOBS);
        assertThat(a.http().get("/metrics").body()).as("GET /metrics on host A: its own pool, and the cluster's size")
                .containsPattern("(?m)^offload_cluster_members 3.0$")
                .containsPattern("(?m)^offload_jobs_total\\{outcome=\"completed\"} " + ran[0] + ".0$");
        for (ServeProcess host : hosts) {
            assertThat(host.stderrText()).as("stderr of " + host.url())
                    .doesNotContain("Hazelcast is starting in a Java modular environment") // bin/offload passes its flags
                    .doesNotContain("ERROR");
        }
    }

    @Test
    void shouldAnswerAll300WhenAHostThatReceivesNoneIsKilledHalfway() throws Exception {
        startThree();
        ServeProcess a = hosts.get(0);
        ServeProcess c = hosts.get(2);
        long start = System.nanoTime();
        List<CompletableFuture<Http.Reply>> replies = postConcurrently(a);
        AtomicInteger answered = new AtomicInteger();
        replies.forEach(reply -> reply.thenRun(answered::incrementAndGet));

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5)).until(() -> answered.get() >= JOBS / 2);
        long ranOnC = completed(c);
        c.kill();
        int atKill = answered.get();

        assertAllRight(replies);
        long ms = (System.nanoTime() - start) / 1_000_000;
        long[] ran = {completed(a), completed(hosts.get(1))};
        System.out.printf("host C SIGKILLed after %d answers (it had run %d); %d of %d answered right in %d ms;"
                + " run on A %d, B %d%n", atKill, ranOnC, JOBS, JOBS, ms, ran[0], ran[1]);
        assertThat(ran[1]).as("jobs host B ran").isPositive();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(stats(a).get("cluster")).asString().contains("members=2"));
    }

    private void startThree() throws Exception {
        List<String> members = ProcessMarker.freeAddresses(3);
        String name = "offload-it-" + Long.toHexString(System.nanoTime());
        List<CompletableFuture<ServeProcess>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path config = Files.writeString(dir.resolve("host" + i + ".yaml"), config(name, members.get(i), members));
            String host = "host" + i;
            starting.add(CompletableFuture.supplyAsync(() -> start(host, config)));
        }
        // All three settle (each start is bounded) before a failure is thrown, so that none starts after the clean-up.
        CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).handle((ok, failure) -> null)
                .get(ServeProcesses.READY.toSeconds() + 30, TimeUnit.SECONDS);
        for (CompletableFuture<ServeProcess> host : starting) {
            hosts.add(host.join());
        }
        // Routing to a host waits until it has published its room: only then is every host in play.
        await("every host to see three members taking jobs").atMost(ServeProcesses.READY).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    for (ServeProcess host : hosts) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> cluster = (Map<String, Object>) stats(host).get("cluster");
                        assertThat(cluster).as("cluster as %s sees it", host.url()).containsEntry("members", 3);
                        assertThat(cluster.get("hosts").toString()).doesNotContain("accepting=false");
                    }
                });
    }

    private ServeProcess start(String name, Path config) {
        try {
            return services.start(dir, name, "--config", config.toString()); // stopped after the test, even if another failed
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String config(String name, String bind, List<String> members) {
        return """
                workers: { min: 1, max: 1, heap: 64m, startTimeout: 60s, jvmArgs: %s }
                handlers:
                  fib: dev.offload.service.demo.Fibonacci
                cluster:
                  name: %s
                  bind: "%s"
                  members: [%s]
                  heartbeatTimeout: 3s
                """.formatted(services.workerJvmArgs(), name, bind, String.join(", ", members.stream().map(m -> "\"" + m + "\"").toList()));
    }

    /** Job i computes fib(24 + i % 6): a few milliseconds each, so that host A's one worker is soon busy. */
    private static List<CompletableFuture<Http.Reply>> postConcurrently(ServeProcess host) {
        List<CompletableFuture<Http.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            replies.add(host.http().postAsync("/jobs/fib", "{\"n\": " + n(i) + "}"));
        }
        return replies;
    }

    private static void assertAllRight(List<CompletableFuture<Http.Reply>> replies) throws Exception {
        for (int i = 0; i < JOBS; i++) {
            Http.Reply reply = replies.get(i).get(120, TimeUnit.SECONDS);
            assertThat(reply.status()).as("job %d: %s", i, reply.body()).isEqualTo(200);
            assertThat(((Number) reply.json().get("value")).longValue()).as("job %d", i).isEqualTo(Fib.fib(n(i)));
        }
    }

    private static int n(int i) {
        return 24 + i % 6;
    }

    private static Map<String, Object> stats(ServeProcess host) {
        return host.http().get("/stats").json();
    }

    private static long completed(ServeProcess host) {
        return ((Number) stats(host).get("completed")).longValue();
    }
}
