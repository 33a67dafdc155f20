package dev.offload.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The spin gate's busy mark: two samples in a row that found every core taken, and no fewer. */
class BusyMarkTest {

    @Test
    void oneSampleThatFoundEveryCoreTakenShouldNotMarkTheGateBusy() {
        BusyMark mark = new BusyMark();
        assertThat(mark.sample(true)).isFalse();
        assertThat(mark.sample(false)).isFalse();
        assertThat(mark.sample(true)).as("taken, free, taken").isFalse();
    }

    @Test
    void twoSamplesInARowShouldMarkItUntilASampleFindsACoreFree() {
        BusyMark mark = new BusyMark();
        mark.sample(true);
        assertThat(mark.sample(true)).isTrue();
        assertThat(mark.sample(true)).isTrue();
        assertThat(mark.sample(false)).isFalse();
        assertThat(mark.sample(true)).as("the first sample after a free one").isFalse();
    }

    @Test
    void anIdleSpellShouldForgetTheLastSample() {
        BusyMark mark = new BusyMark();
        mark.sample(true);
        mark.reset();
        assertThat(mark.sample(true)).isFalse();
        assertThat(mark.sample(true)).isTrue();
    }
}
