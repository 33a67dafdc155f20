package dev.offload.examples.bench;

import dev.offload.config.PoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ArgsTest {
    @Test
    void shouldReadKnownArgumentsAndDefaultTheRest() {
        Args args = Args.parse(new String[] {"--jobs=2_000", "--transports=pipe"}, "jobs", "warmup", "transports");

        assertThat(args.intValue("jobs", 1)).isEqualTo(2_000);
        assertThat(args.intValue("warmup", 7)).isEqualTo(7);
        assertThat(args.transports()).containsExactly("pipe");
    }

    @Test
    void shouldRejectAnArgumentTheProgramDoesNotTake() {
        assertThatThrownBy(() -> Args.parse(new String[] {"--job=5"}, "jobs"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--job=5");
        assertThatThrownBy(() -> Args.parse(new String[] {"--transports=tcp"}, "transports").transports())
                .hasMessageContaining("tcp");
    }

    @Test
    void shouldNameEveryConfigValueThatIsNotTheDefault() {
        assertThat(BenchConfig.differences(PoolConfig.defaults())).isEqualTo("defaults");
        assertThat(BenchConfig.differences(PoolConfig.builder().transport("pipe").minWorkers(2).build()))
                .contains("transport.kind=pipe").contains("workers.min=2");
    }
}
