package dev.offload.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code cluster} section: host:port syntax, duplicate members, the heartbeat's whole seconds. */
class ClusterSettingsTest {

    @TempDir
    Path dir;

    @Test
    void shouldSplitTheBindAddressIntoHostAndPort() {
        PoolConfig c = PoolConfig.builder().clusterBind(" 10.1.2.3:6001 ").build();

        assertThat(c.clusterBind()).isEqualTo("10.1.2.3:6001");
        assertThat(c.clusterBindAddress().getHostString()).isEqualTo("10.1.2.3");
        assertThat(c.clusterBindAddress().getPort()).isEqualTo(6001);
        assertThat(c.clusterBindAddress().isUnresolved()).isTrue();
    }

    @Test
    void shouldReadIpv6AddressesInBrackets() {
        PoolConfig c = PoolConfig.builder().clusterBind("[::1]:5701").clusterMembers(List.of("[::1]:5701")).build();

        assertThat(c.clusterBindAddress().getHostString()).isEqualTo("::1");
        assertThat(c.clusterBind()).isEqualTo("[::1]:5701");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:", ":5701", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:http",
            "::1:5701", "[::1]5701", "[::1", "my host:5701", " "})
    void shouldRejectABindAddressThatIsNotHostColonPort(String bind) {
        assertInvalid(b -> b.clusterBind(bind), "cluster.bind").hasMessageStartingWith("cluster.bind");
    }

    @Test
    void shouldSayWhatIsMissingFromAnAddress() {
        assertInvalid(b -> b.clusterBind("127.0.0.1"), "cluster.bind")
                .hasMessage("cluster.bind: \"127.0.0.1\" is not host:port (the port is missing, e.g. 127.0.0.1:5701)");
        assertInvalid(b -> b.clusterMembers(List.of("127.0.0.1:5701", "10.0.0.2:99999")), "cluster.members")
                .hasMessage("cluster.members[1]: \"10.0.0.2:99999\" is not host:port (the port must be 1 to 65535)");
        assertInvalid(b -> b.clusterBind(null), "cluster.bind")
                .hasMessage("cluster.bind must be host:port, e.g. 127.0.0.1:5701 (got null)");
    }

    @Test
    void shouldRejectAMemberListedTwice() {
        assertInvalid(b -> b.clusterMembers(List.of("127.0.0.1:5701", "10.0.0.2:5701", " 127.0.0.1:5701")),
                "cluster.members")
                .hasMessage("cluster.members lists 127.0.0.1:5701 twice; list each member once");
    }

    @Test
    void shouldRejectNullMembers() {
        var withNull = new ArrayList<String>();
        withNull.add(null);
        assertInvalid(b -> b.clusterMembers(withNull), "cluster.members").hasMessageContaining("cluster.members[0]");
        assertInvalid(b -> b.clusterMembers(null), "cluster.members").hasMessage("cluster.members must not be null");
    }

    @Test
    void shouldRejectAClusterNameOutsideTheSafeCharacters() {
        assertInvalid(b -> b.clusterName("my cluster"), "cluster.name")
                .hasMessage("cluster.name must match [A-Za-z0-9_.-]+ (got \"my cluster\")");
        assertInvalid(b -> b.clusterName(""), "cluster.name");
        assertInvalid(b -> b.clusterName(null), "cluster.name").hasMessage("cluster.name must not be null");
    }

    @Test
    void shouldRejectHeartbeatTimeoutsHazelcastCannotHonourExactly() {
        assertInvalid(b -> b.clusterHeartbeatTimeout(Duration.ofMillis(2500)), "cluster.heartbeatTimeout")
                .hasMessage("cluster.heartbeatTimeout must be a whole number of seconds from 2s to 1h (got 2500ms)");
        assertInvalid(b -> b.clusterHeartbeatTimeout(Duration.ofSeconds(1)), "cluster.heartbeatTimeout");
        assertInvalid(b -> b.clusterHeartbeatTimeout(Duration.ofSeconds(3601)), "cluster.heartbeatTimeout");
        assertInvalid(b -> b.clusterHeartbeatTimeout(Duration.ZERO), "cluster.heartbeatTimeout")
                .hasMessage("cluster.heartbeatTimeout must be > 0 (got 0s)");
        assertThat(PoolConfig.builder().clusterHeartbeatTimeout(Duration.ofSeconds(2)).build().clusterHeartbeatTimeout())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldRejectATypoInTheClusterSectionNamingTheKnownKeys() throws IOException {
        assertFileInvalid("cluster:\n  memebers: [127.0.0.1:5701]\n")
                .hasMessageContaining("unknown key 'cluster.memebers'")
                .hasMessageContaining("(known keys under cluster: name, bind, members, heartbeatTimeout)");
    }

    @Test
    void shouldNameTheFileWhenAMemberIsBad() throws IOException {
        assertFileInvalid("cluster: { members: [127.0.0.1:5701, 127.0.0.1] }\n")
                .hasMessageStartingWith("cluster.members[1]: \"127.0.0.1\" is not host:port")
                .hasMessageEndingWith("; set in " + dir.resolve("app.yaml").toAbsolutePath());
    }

    @Test
    void shouldTakeMembersFromAnEnvironmentVariableAsACommaSeparatedList() {
        PoolConfig c = PoolConfig.fromEnvironment(Map.of("offload.cluster.name", "staging"), Map.of(
                "OFFLOAD_CLUSTER_MEMBERS", "127.0.0.1:5701, 127.0.0.1:5702",
                "OFFLOAD_CLUSTER_HEARTBEAT_TIMEOUT", "3s",
                "OFFLOAD_CLUSTER_BIND", "127.0.0.1:5702"));

        assertThat(c.clusterName()).isEqualTo("staging");
        assertThat(c.clusterMembers()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
        assertThat(c.clusterHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.clusterBind()).isEqualTo("127.0.0.1:5702");
    }

    @Test
    void shouldCompareClusterSettingsByValue() {
        PoolConfig a = PoolConfig.builder().clusterMembers(List.of("127.0.0.1:5701")).build();
        PoolConfig b = PoolConfig.builder().clusterMembers(List.of(" 127.0.0.1:5701")).build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(PoolConfig.defaults());
        assertThat(a.toBuilder().build()).isEqualTo(a);
    }

    /** Asserts that loading {@code yaml} as app.yaml fails with a ConfigException. */
    private AbstractThrowableAssert<?, ? extends Throwable> assertFileInvalid(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("app.yaml"), yaml);
        return assertThatThrownBy(() -> PoolConfig.load(file, Map.of(), Map.of())).isInstanceOf(ConfigException.class);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(UnaryOperator<PoolConfigBuilder> change,
                                                                              String key) {
        return assertThatThrownBy(() -> change.apply(PoolConfig.builder()).build())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }
}
