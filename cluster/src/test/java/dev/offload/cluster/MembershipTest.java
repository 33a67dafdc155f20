package dev.offload.cluster;

import dev.offload.pool.JobOptions;
import dev.offload.pool.WorkerCrashedException;
import dev.offload.pool.handlers.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Hosts coming and going: this JVM (A) and host JVMs, one worker each. */
@Timeout(150)
class MembershipTest {
    @RegisterExtension
    final TestCluster cluster = new TestCluster();

    private List<String> members;
    private ClusterPool a;
    private HostProcess b;

    @Test
    void shouldGiveWorkToAHostThatLeavesAndRejoins() throws Exception {
        startAAndB();

        b.close();
        TestCluster.awaitEveryoneSeesEveryone(a, 1);
        HostProcess again = cluster.host(members.get(1), members);
        again.awaitReady(TestCluster.READY);
        TestCluster.awaitEveryoneSeesEveryone(a, 2, again);
        var occupying = a.submit(Sleep.class, 60_000L);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.stats().local().busy() == 1);

        assertThat(a.submit(Sleep.class, 1L).get(30, TimeUnit.SECONDS)).isPositive();

        assertThat(again.stats().get("completed").asLong()).as("jobs the rejoined host ran").isEqualTo(1);
        occupying.cancel(true);
    }

    @Test
    void shouldRefuseAMemberWithAnotherClusterName() throws Exception {
        members = TestCluster.freeAddresses(2);
        a = cluster.join(cluster.config(members.get(0), members).build());
        HostProcess other = cluster.host(cluster.config(members.get(1), members).clusterName("another-cluster").build());

        other.awaitReady(TestCluster.READY);

        assertThat(other.stats().get("members").size()).as("members the other host sees").isEqualTo(1);
        assertThat(a.stats().members()).extracting(ClusterStats.Member::address).containsExactly(members.get(0));
    }

    @Test
    void shouldCancelAJobWhoseSubmitterLeft() throws Exception {
        startAAndB();
        b.submit(Sleep.class.getName(), "60000"); // runs on B
        await("B's worker busy").atMost(Duration.ofSeconds(20)).until(() -> freeOf(a, members.get(1)) == 0);
        b.submit(Sleep.class.getName(), "60000"); // goes to A
        await("A's worker busy").atMost(Duration.ofSeconds(20)).until(() -> a.stats().local().busy() == 1);

        b.kill();

        await("A to cancel B's job").atMost(Duration.ofSeconds(30)).until(() -> a.stats().local().cancelled() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().local().busy() == 0);
    }

    @Test
    void shouldFailNamingTheLostHostWhenNoAttemptIsLeft() throws Exception {
        startAAndB();
        var occupying = a.submit(Sleep.class, 60_000L);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.stats().local().busy() == 1);
        CompletableFuture<Long> job = a.submit(Sleep.class, 60_000L, JobOptions.defaults().withMaxAttempts(1));
        await("B's worker busy").atMost(Duration.ofSeconds(20)).until(() -> freeOf(a, members.get(1)) == 0);

        b.kill();

        assertThatThrownBy(() -> job.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WorkerCrashedException.class)
                .hasMessageContaining("was lost with host " + members.get(1))
                .hasMessageContaining("on attempt 1 of 1");
        occupying.cancel(true);
    }

    /** A in this JVM and B in a host JVM, one worker each, in one cluster. */
    private void startAAndB() throws Exception {
        members = TestCluster.freeAddresses(2);
        b = cluster.host(members.get(1), members);
        a = cluster.join(cluster.config(members.get(0), members).build());
        b.awaitReady(TestCluster.READY);
        TestCluster.awaitEveryoneSeesEveryone(a, 2, b);
    }

    private static int freeOf(ClusterPool pool, String address) {
        return pool.stats().members().stream().filter(m -> m.address().equals(address))
                .mapToInt(ClusterStats.Member::free).findFirst().orElse(Integer.MIN_VALUE);
    }
}
