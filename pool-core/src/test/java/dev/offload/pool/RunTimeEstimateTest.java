package dev.offload.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunTimeEstimateTest {
    private static final long MICRO = 1_000;

    @Test
    void theFirstAnswerSetsTheEstimate() {
        assertThat(new RunTimeEstimate().learn(7 * MICRO)).isEqualTo(7 * MICRO);
    }

    @Test
    void aJobInflatedNowAndThenByALostCoreLeavesTheEstimateAlone() {
        RunTimeEstimate estimate = new RunTimeEstimate();
        long last = 0;
        for (int i = 1; i <= 1_000; i++) {
            last = estimate.learn(i % 10 == 0 ? 300 * MICRO : 2 * MICRO); // every tenth job preempted
            assertThat(last).as("after answer %d", i).isEqualTo(2 * MICRO);
        }
    }

    @Test
    void twoLongJobsInARowTakeTheEstimatePastTheCreditsPipelineAndARunOfThemToTheirLength() {
        RunTimeEstimate estimate = new RunTimeEstimate();
        for (int i = 0; i < 100; i++) {
            estimate.learn(2 * MICRO);
        }
        assertThat(estimate.learn(20_000 * MICRO)).as("one long job: maybe a preempted short one").isEqualTo(2 * MICRO);
        assertThat(estimate.learn(20_000 * MICRO)).as("the second in a row counts").isGreaterThan(100 * MICRO);
        long last = 0;
        for (int i = 0; i < 20; i++) {
            last = estimate.learn(20_000 * MICRO);
        }
        assertThat(last).isBetween(19_000 * MICRO, 20_000 * MICRO);
    }

    @Test
    void aMixOfShortAndLongJobsIsNotReadAsShort() {
        RunTimeEstimate estimate = new RunTimeEstimate();
        long last = 0;
        for (int i = 0; i < 1_000; i++) {
            last = estimate.learn(i % 2 == 0 ? 2 * MICRO : 1_000 * MICRO);
        }
        assertThat(last).isGreaterThan(100 * MICRO);
    }

    @Test
    void shorterJobsBringItDownAsSoon() {
        RunTimeEstimate estimate = new RunTimeEstimate();
        for (int i = 0; i < 100; i++) {
            estimate.learn(1_000 * MICRO);
        }
        long last = 0;
        for (int i = 0; i < 40; i++) {
            last = estimate.learn(2 * MICRO);
        }
        assertThat(last).isLessThan(3 * MICRO);
    }
}
