package dev.offload.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.cluster.handlers.Fib;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hosts on 127.0.0.1, one worker each: this JVM (the host that receives every submit) and two
 * host JVMs. 300 jobs submitted at once from several threads run on all three, and still all answer
 * right when a host that did not receive them is SIGKILLed halfway through.
 */
class ThreeHostsTest {
    private static final int JOBS = 300;

    @RegisterExtension
    final TestCluster cluster = new TestCluster();

    @Test
    @Timeout(180)
    void shouldRunJobsSubmittedOnOneHostOnAllThree() throws Exception {
        Hosts hosts = startThree();

        List<CompletableFuture<Long>> jobs = submitConcurrently(hosts.a, 2);

        for (int i = 0; i < JOBS; i++) {
            assertThat(jobs.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(Fib.fib(i % 90));
        }
        long onA = hosts.a.stats().local().completed();
        long onB = completed(hosts.b);
        long onC = completed(hosts.c);
        assertThat(onB).as("jobs host B ran").isPositive();
        assertThat(onC).as("jobs host C ran").isPositive();
        assertThat(onA + onB + onC).as("jobs run on A (%d), B and C", onA).isEqualTo(JOBS);
    }

    @Test
    @Timeout(180)
    void shouldLoseNoJobWhenAHostIsKilledHalfway() throws Exception {
        Hosts hosts = startThree();
        List<CompletableFuture<Long>> jobs = submitConcurrently(hosts.a, 20);
        var answered = new AtomicInteger();
        jobs.forEach(job -> job.thenRun(answered::incrementAndGet));

        await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= JOBS / 2);
        hosts.c.kill();

        for (int i = 0; i < JOBS; i++) {
            assertThat(jobs.get(i).get(60, TimeUnit.SECONDS)).as("job %d", i).isEqualTo(Fib.fib(i % 90));
        }
        assertThat(hosts.a.stats().members()).extracting(ClusterStats.Member::address)
                .containsExactlyInAnyOrder(hosts.aBind, hosts.b.bind);
        assertThat(completed(hosts.b)).as("jobs host B ran").isPositive();
    }

    private record Hosts(ClusterPool a, String aBind, HostProcess b, HostProcess c) {
    }

    private Hosts startThree() throws Exception {
        List<String> members = TestCluster.freeAddresses(3);
        HostProcess b = cluster.host(members.get(1), members);
        HostProcess c = cluster.host(members.get(2), members);
        ClusterPool a = cluster.join(cluster.config(members.get(0), members).build());
        b.awaitReady(TestCluster.READY);
        c.awaitReady(TestCluster.READY);
        TestCluster.awaitEveryoneSeesEveryone(a, 3, b, c);
        return new Hosts(a, members.get(0), b, c);
    }

    /** Job i computes fib(i % 90) after sleeping {@code sleepMillis}; submitted by 4 threads at once. */
    private static List<CompletableFuture<Long>> submitConcurrently(ClusterPool pool, int sleepMillis) throws Exception {
        var jobs = new ArrayList<CompletableFuture<Long>>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(null);
        }
        ExecutorService submitters = Executors.newFixedThreadPool(4, r -> new Thread(r, "offload-test-submitter"));
        try {
            var submitted = new ArrayList<CompletableFuture<?>>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                submitted.add(CompletableFuture.runAsync(() -> {
                    for (int i = first; i < JOBS; i += 4) {
                        jobs.set(i, pool.submit(Fib.class, new Fib.Input(i % 90, sleepMillis)));
                    }
                }, submitters));
            }
            CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            submitters.shutdown();
        }
        return jobs;
    }

    private static long completed(HostProcess host) throws Exception {
        JsonNode stats = host.stats();
        return stats.get("completed").asLong();
    }
}
