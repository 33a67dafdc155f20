package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An idle shm reader must cost no CPU: it sleeps on its doorbell, it does not poll. */
class ShmIdleCpuTest {
    private static final long WINDOW_MILLIS = 1_500;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aReaderBlockedOnItsDoorbellShouldUseAlmostNoCpu() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assertThat(threads.isCurrentThreadCpuTimeSupported()).isTrue();
        try (ShmFixture shm = new ShmFixture(new ChannelOptions(64 * 1024, 20_000), new SpinGate(1))) {
            AtomicReference<Thread> reader = new AtomicReference<>();
            CompletableFuture<Frame> received = CompletableFuture.supplyAsync(() -> {
                reader.set(Thread.currentThread());
                try {
                    return shm.worker.receive();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, command -> new Thread(command, "offload-test-idle-reader").start());
            await().atMost(Duration.ofSeconds(10)).until(() -> shm.worker.inboundCounters().sleeps() == 1
                    && TestShmBase.blockedOnDoorbell(reader.get()));

            long readerBefore = threads.getThreadCpuTime(reader.get().getId());
            long wallBefore = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(WINDOW_MILLIS); // the measurement window, not synchronisation
            long wall = System.nanoTime() - wallBefore;
            long readerCpu = threads.getThreadCpuTime(reader.get().getId()) - readerBefore;

            System.out.printf("idle: over %d ms the blocked reader used %.3f ms CPU%n",
                    TimeUnit.NANOSECONDS.toMillis(wall), readerCpu / 1e6);
            assertThat(readerCpu).as("reader CPU ns while idle").isLessThan(wall / 20);

            Frame job = Frame.of(FrameType.JOB, 1, 1, Frame.NO_PAYLOAD);
            shm.parent.send(job);
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(job);
        }
    }
}
