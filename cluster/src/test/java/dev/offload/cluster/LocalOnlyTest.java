package dev.offload.cluster;

import dev.offload.cluster.handlers.Fib;
import dev.offload.config.PoolConfig;
import dev.offload.pool.JobOptions;
import dev.offload.pool.PoolRejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With no {@code cluster.members}, a ClusterPool is this host's pool and nothing more. */
@Timeout(60)
class LocalOnlyTest {
    @RegisterExtension
    final TestCluster cluster = new TestCluster();

    @Test
    void shouldRunEveryJobHereWithoutJoiningAnything() throws Exception {
        PoolConfig config = cluster.config("127.0.0.1:5701", List.of()).build();
        ClusterPool pool = cluster.join(config);

        assertThat(pool.submit(Fib.class, new Fib.Input(50, 0)).get(30, TimeUnit.SECONDS)).isEqualTo(12_586_269_025L);
        byte[] json = pool.submitJson(Fib.class.getName(), "{\"n\":10,\"sleepMillis\":0}".getBytes(StandardCharsets.UTF_8),
                JobOptions.defaults()).get(30, TimeUnit.SECONDS);

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("55");
        assertThat(pool.stats().members()).isEmpty();
        assertThat(pool.stats().local().completed()).isEqualTo(2);
    }

    @Test
    void shouldRefuseJobsAfterShutdownAndCloseTwice() throws Exception {
        ClusterPool pool = cluster.join(cluster.config("127.0.0.1:5701", List.of()).build());

        pool.shutdown().get(30, TimeUnit.SECONDS);
        var refused = pool.submit(Fib.class, new Fib.Input(1, 0));
        pool.close();
        pool.close();

        assertThatThrownBy(() -> refused.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(PoolRejectedException.class);
    }
}
