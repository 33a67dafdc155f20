package dev.offload.transport.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdaptiveSpinTest {

    @Test
    void shouldNotSpinUntilWorkHasComeSoonAndStopOnceItComesLate() {
        AdaptiveSpin spin = new AdaptiveSpin(100_000);
        assertThat(spin.budgetNanos()).as("nothing learned").isZero();
        spin.record(5_000);
        assertThat(spin.budgetNanos()).isZero();
        spin.record(8_000);
        assertThat(spin.budgetNanos()).as("two short waits").isEqualTo(100_000);
        spin.record(2_000_000_000L);
        spin.record(2_000_000_000L);
        spin.record(2_000_000_000L);
        assertThat(spin.budgetNanos()).as("the caller went quiet").isZero();
    }

    @Test
    void aZeroCapShouldNeverSpinAndANegativeOneIsRefused() {
        AdaptiveSpin never = new AdaptiveSpin(0);
        never.record(1);
        never.record(1);
        assertThat(never.budgetNanos()).isZero();
        assertThatThrownBy(() -> new AdaptiveSpin(-1)).hasMessageContaining("capNanos");
    }
}
