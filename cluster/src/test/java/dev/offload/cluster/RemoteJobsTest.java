package dev.offload.cluster;

import dev.offload.cluster.handlers.Fib;
import dev.offload.pool.JobFailedException;
import dev.offload.pool.JobOptions;
import dev.offload.pool.JobTimeoutException;
import dev.offload.pool.PoolRejectedException;
import dev.offload.pool.handlers.Sleep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two hosts, one worker each and a queue of one: this JVM (A), where jobs are submitted, and a host
 * JVM (B). A test that wants a job to run on B first keeps A's worker busy; every test leaves both
 * workers free.
 */
@Timeout(120)
class RemoteJobsTest {
    @RegisterExtension
    static final TestCluster cluster = TestCluster.shared();
    private static ClusterPool a;
    private static HostProcess b;
    private static String bAddress;

    private CompletableFuture<Long> occupying;

    @BeforeAll
    static void startTwoHosts() throws Exception {
        List<String> members = TestCluster.freeAddresses(2);
        bAddress = members.get(1);
        b = cluster.host(cluster.config(bAddress, members).queueCapacity(1).build());
        a = cluster.join(cluster.config(members.get(0), members).queueCapacity(1).build());
        b.awaitReady(TestCluster.READY);
        TestCluster.awaitEveryoneSeesEveryone(a, 2, b);
    }

    @BeforeEach
    void bothWorkersFree() {
        await("both hosts idle and published").atMost(Duration.ofSeconds(30)).until(() ->
                a.stats().members().size() == 2 && a.stats().members().stream().allMatch(m -> m.accepting() && m.free() == 1));
    }

    @AfterEach
    void release() throws Exception {
        if (occupying != null) {
            occupying.cancel(true);
        }
    }

    @Test
    void shouldRunOnThisHostWhileAWorkerHereIsFree() throws Exception {
        long before = a.stats().local().completed();

        for (int n = 0; n < 20; n++) {
            assertThat(a.submit(Fib.class, new Fib.Input(n, 0)).get(30, TimeUnit.SECONDS)).isEqualTo(Fib.fib(n));
        }

        assertThat(a.stats().local().completed() - before).isEqualTo(20);
    }

    @Test
    void shouldAnswerAJobRunOnAnotherHostInTheHandlersOutputType() throws Exception {
        occupyA();
        long onB = b.stats().get("completed").asLong();

        Long typed = a.submit(Fib.class, new Fib.Input(30, 0)).get(30, TimeUnit.SECONDS);
        byte[] json = a.submitJson(Fib.class.getName(), "{\"n\":40,\"sleepMillis\":0}".getBytes(StandardCharsets.UTF_8),
                JobOptions.defaults()).get(30, TimeUnit.SECONDS);

        assertThat(typed).isEqualTo(832_040L);
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("102334155");
        assertThat(b.stats().get("completed").asLong() - onB).as("jobs B ran").isEqualTo(2);
    }

    @Test
    void shouldTimeOutAJobOnAnotherHostAndStopItThere() throws Exception {
        occupyA();
        long stoppedOnB = stopped(b);

        var job = a.submit(Sleep.class, 60_000L, JobOptions.defaults().withTimeout(Duration.ofMillis(1500)));

        assertThatThrownBy(() -> job.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(JobTimeoutException.class)
                .hasMessageContaining("timed out after 1500 ms").hasMessageContaining("on host " + bAddress);
        // B's pool knows the time left too: the cancel and B's own timer race, either stops the job.
        await("B to stop the job").atMost(Duration.ofSeconds(20)).until(() -> stopped(b) == stoppedOnB + 1);
    }

    @Test
    void shouldCancelAJobWhereItRuns() throws Exception {
        occupyA();
        long cancelledOnB = b.stats().get("cancelled").asLong();
        var job = a.submit(Sleep.class, 60_000L);
        await("B to run it").atMost(Duration.ofSeconds(20)).until(() -> freeOf(bAddress) == 0);

        assertThat(job.cancel(true)).isTrue();

        await("B to stop the job").atMost(Duration.ofSeconds(20))
                .until(() -> b.stats().get("cancelled").asLong() == cancelledOnB + 1);
    }

    @Test
    void shouldNameTheHostThatLacksTheHandler() throws Exception {
        occupyA();

        var job = a.submitJson("dev.offload.cluster.handlers.NotThere", "1".getBytes(StandardCharsets.UTF_8),
                JobOptions.defaults());

        assertThatThrownBy(() -> job.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(JobFailedException.class)
                .hasMessageContaining("on host " + bAddress)
                .hasMessageContaining("dev.offload.cluster.handlers.NotThere")
                .satisfies(e -> assertThat(((JobFailedException) e).remoteType()).isEqualTo("java.lang.ClassNotFoundException"));
    }

    @Test
    void shouldRejectWithQueueFullWhenEveryHostIsFull() throws Exception {
        occupyA();
        // One at a time, so that each finds the others where they are: a pool whose worker is idle
        // may still hold a job in its queue for a moment, and refuse a second one that comes with it.
        var runningOnB = a.submit(Sleep.class, 60_000L);
        await("B running one").atMost(Duration.ofSeconds(20)).until(() -> freeOf(bAddress) == 0);
        var waitingOnB = a.submit(Sleep.class, 1L);
        await("B queueing one").atMost(Duration.ofSeconds(20)).until(() -> freeOf(bAddress) == -1);
        var waitingOnA = a.submit(Sleep.class, 1L);
        await("A queueing one").atMost(Duration.ofSeconds(20)).until(() -> a.stats().local().queued() == 1);

        var refused = a.submit(Sleep.class, 1L);

        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(PoolRejectedException.class)
                .hasMessageContaining("every host refused")
                .hasMessageContaining(bAddress + ": queue full")
                .satisfies(e -> assertThat(((PoolRejectedException) e).reason()).isEqualTo(PoolRejectedException.Reason.QUEUE_FULL));
        runningOnB.cancel(true);
        occupying.cancel(true);
        assertThat(waitingOnB.get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(waitingOnA.get(30, TimeUnit.SECONDS)).isPositive();
    }

    /** A's only worker runs a long job until the test ends, so A's next jobs go to B. */
    private void occupyA() {
        occupying = a.submit(Sleep.class, 60_000L);
        await("A's worker to be busy").atMost(Duration.ofSeconds(20)).until(() -> a.stats().local().busy() == 1);
    }

    /** Jobs B cancelled or timed out. */
    private static long stopped(HostProcess host) throws Exception {
        var stats = host.stats();
        return stats.get("cancelled").asLong() + stats.get("timeouts").asLong();
    }

    private static int freeOf(String address) {
        return a.stats().members().stream().filter(m -> m.address().equals(address)).findFirst().orElseThrow().free();
    }
}
