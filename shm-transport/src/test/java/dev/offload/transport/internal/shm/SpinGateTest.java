package dev.offload.transport.internal.shm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpinGateTest {

    @Test
    void shouldAdmitUpToItsPermits() {
        SpinGate gate = new SpinGate(2);
        assertThat(gate.tryEnter()).isTrue();
        assertThat(gate.tryEnter()).isTrue();
        assertThat(gate.tryEnter()).isFalse();
        gate.exit();
        assertThat(gate.spinning()).isEqualTo(1);
        assertThat(gate.tryEnter()).isTrue();
    }

    @Test
    void nobodyShouldSpinWhileEveryCoreIsTakenAcrossThePoolsProcesses() throws Exception {
        TestShmBase base = TestShmBase.create();
        try {
            SpinGate.createForPool(base.path());
            SpinGate gate = SpinGate.forPool(base.path());
            gate.markBusy(true);
            assertThat(gate.busy()).isTrue();
            assertThat(gate.tryEnter()).isFalse();
            gate.markBusy(false);
            assertThat(gate.tryEnter()).isTrue();
            gate.exit();
        } finally {
            SpinGate.forgetPool(base.path());
            java.nio.file.Files.delete(base.path().resolve(SpinGate.FILE_NAME));
            base.assertEmptyAndDelete();
        }
    }

    @Test
    void theRunQueueShouldCountAtLeastTheThreadThatAsks() {
        assertThat(RunQueue.runnable()).isGreaterThanOrEqualTo(1); // Linux: /proc/loadavg
    }

    @Test
    void aZeroGateShouldNeverLetAnyoneSpin() {
        assertThat(new SpinGate(0).tryEnter()).isFalse();
    }

    @Test
    void theSharedGateShouldLeaveACoreFree() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(SpinGate.shared().permits()).isEqualTo(Math.max(1, cores - 1));
    }

    @Test
    void shouldRefuseNegativePermits() {
        assertThatThrownBy(() -> new SpinGate(-1)).hasMessageContaining("-1");
    }
}
