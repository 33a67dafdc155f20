package dev.offload.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Only Offload's own messages, and the exception types of error responses, may be deserialized. */
class SerializationFilterTest {
    @RegisterExtension
    final TestCluster cluster = new TestCluster();

    @Test
    void shouldAllowExceptionTypesButNotOtherJavaSerializedClasses() {
        var allowed = MemberConfig.javaSerializationFilter().getWhitelist();

        assertThat(MemberConfig.javaSerializationFilter().isDefaultsDisabled()).isTrue();
        assertThat(allowed.isListed("java.lang.IllegalStateException")).isTrue();
        assertThat(allowed.isListed("java.util.concurrent.RejectedExecutionException")).isTrue();
        assertThat(allowed.isListed("com.hazelcast.core.MemberLeftException")).isTrue();
        assertThat(allowed.isListed("java.util.HashMap")).isFalse();
        assertThat(allowed.isListed("java.lang.reflect.Proxy")).isFalse();
        assertThat(allowed.isListed("javax.management.BadAttributeValueExpException")).isFalse();
        assertThat(allowed.isListed("org.apache.commons.collections.functors.InvokerTransformer")).isFalse();
        assertThat(allowed.isListed(Gadget.class.getName())).as("a Serializable class of Offload's own").isFalse();
    }

    @Test
    @Timeout(120)
    void shouldRefuseASerializableTaskFromAnotherMember() throws Exception {
        List<String> members = TestCluster.freeAddresses(2);
        ClusterPool host = cluster.join(cluster.config(members.get(0), members).build());
        HazelcastInstance intruder = Hazelcast.newHazelcastInstance(plainMember(members));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> intruder.getCluster().getMembers().size() == 2);
            var target = intruder.getCluster().getMembers().stream().filter(m -> !m.localMember()).findFirst().orElseThrow();

            var answer = intruder.getExecutorService(MemberConfig.EXECUTOR).submitToMember(new Gadget(), target);

            assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .rootCause().hasMessageContaining("Resolving class " + Gadget.class.getName() + " is not allowed");
            assertThat(Gadget.ran).isFalse();
            assertThat(host.stats().members()).hasSize(2); // it joined (no authentication), but could not run anything
        } finally {
            intruder.getLifecycleService().terminate();
        }
    }

    /** A member that knows the cluster's name and address but is not Offload. */
    private Config plainMember(List<String> members) {
        Config config = new Config().setClusterName(cluster.name);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.getNetworkConfig().setPort(Integer.parseInt(members.get(1).split(":")[1])).setPortAutoIncrement(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(members);
        return config;
    }

    /** Stands for a deserialization gadget: any Java-serialized class that is not on the list. */
    static final class Gadget implements Callable<String>, Serializable {
        static volatile boolean ran;

        @Override
        public String call() {
            ran = true;
            return "ran";
        }
    }
}
