package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hunts lost wake-ups: a million frames ping-ponged between the two sides with random pauses, so
 * each side keeps crossing between finding frames at once, spinning, and sleeping on the doorbell,
 * with the other side's send landing at every point of that sequence. A single lost wake-up stalls
 * both sides for good and the test times out. Runs on the JVM-wide spin gate, as a pool would.
 */
class ShmWakeUpStressTest {
    private static final int ROUND_TRIPS = Integer.getInteger("offload.stress.roundTrips", 500_000);
    private static final long SPIN_NANOS = 20_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldDeliverAMillionFramesInOrderWithoutLosingAWakeUp() throws Exception {
        pingPong(ROUND_TRIPS, false);
    }

    /**
     * The parent reads as the pool's reader does: it polls, arms its wake-up with prepareSleep and
     * sleeps in a Selector on the doorbell, and sends with trySend first, as {@code submit()} does.
     * A wake-up lost between the arming and the sleep would stall the run.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldNotLoseAWakeUpWhenTheParentSleepsInASelector() throws Exception {
        pingPong(ROUND_TRIPS / 2, true);
    }

    private static void pingPong(int roundTrips, boolean likeThePool) throws Exception {
        try (ShmFixture shm = new ShmFixture(new ChannelOptions(64 * 1024, SPIN_NANOS), SpinGate.shared());
             Selector selector = Selector.open()) {
            shm.parent.wakeups().register(selector, SelectionKey.OP_READ);
            long start = System.nanoTime();
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> echo(shm.worker, roundTrips), command ->
                    new Thread(command, "offload-test-echo").start());
            SplittableRandom random = new SplittableRandom(1);
            long tried = 0;
            long selects = 0;
            for (int i = 0; i < roundTrips; i++) {
                Frame job = Frame.of(FrameType.JOB, i, 1, sequence(i));
                if (likeThePool && shm.parent.trySend(job)) {
                    tried++;
                } else {
                    shm.parent.send(job);
                }
                pause(random);
                Frame reply;
                if (likeThePool) {
                    while ((reply = shm.parent.poll()) == null) {
                        if (shm.parent.prepareSleep()) {
                            selects++;
                            selector.select(); // no timeout: a lost wake-up hangs here and the test times out
                            selector.selectedKeys().clear();
                            assertThat(shm.parent.drainWakeups()).as("peer gone").isFalse();
                        }
                    }
                } else {
                    reply = shm.parent.receive();
                }
                assertThat(reply.type()).isEqualTo(FrameType.RESULT);
                assertThat(reply.jobId()).isEqualTo(i);
                assertThat(ByteBuffer.wrap(reply.payload()).getLong()).isEqualTo(i);
            }
            echo.get(10, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            DoorbellCounters toWorker = shm.worker.inboundCounters();
            DoorbellCounters toParent = shm.parent.inboundCounters();
            System.out.printf("stress: %,d frames in %,d ms (%,d round trips, %,d sent by trySend, %,d selector sleeps,"
                            + " spin %d us, gate %s)%n", 2L * roundTrips, millis, roundTrips, tried, selects,
                    SPIN_NANOS / 1000, SpinGate.shared());
            System.out.println("stress: parent->worker " + toWorker);
            System.out.println("stress: worker->parent " + toParent);
            // Both sleeping paths were exercised, and every ring answered an announced sleep.
            assertThat(toWorker.sleeps()).isPositive();
            if (likeThePool) {
                assertThat(tried).isPositive();
                assertThat(selects).isPositive();
            } else {
                assertThat(toParent.sleeps()).isPositive();
            }
            assertThat(toWorker.rings()).isLessThanOrEqualTo(toWorker.sleeps() + toWorker.wakeups());
            // The readers had the cycle files they finished deleted.
            await().atMost(Duration.ofSeconds(10)).until(() -> !FinishedCycles.busy());
            assertThat(ShmChannelTest.cycleFiles(ShmQueues.queueDir(shm.workerDir, Direction.P2W))).hasSizeLessThanOrEqualTo(2);
            assertThat(ShmChannelTest.cycleFiles(ShmQueues.queueDir(shm.workerDir, Direction.W2P))).hasSizeLessThanOrEqualTo(2);
        }
    }

    private static void echo(ShmChannel worker, int roundTrips) {
        SplittableRandom random = new SplittableRandom(2);
        try {
            for (int i = 0; i < roundTrips; i++) {
                Frame job = worker.receive();
                if (job.type() != FrameType.JOB || job.jobId() != i || ByteBuffer.wrap(job.payload()).getLong() != i) {
                    throw new AssertionError("expected JOB " + i + ", got " + job);
                }
                pause(random);
                worker.send(Frame.of(FrameType.RESULT, i, 1, sequence(i)));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sequence(long i) {
        return ByteBuffer.allocate(Long.BYTES).putLong(i).array();
    }

    /**
     * Mostly no pause (both sides hot); sometimes a busy pause shorter than the spin (the peer
     * catches the frame while spinning); sometimes a park longer than the spin (the peer has gone
     * to sleep and must be rung).
     */
    private static void pause(SplittableRandom random) {
        int roll = random.nextInt(100);
        if (roll < 80) {
            return;
        }
        if (roll < 95) {
            long until = System.nanoTime() + random.nextLong(1_000, SPIN_NANOS);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return;
        }
        LockSupport.parkNanos(random.nextLong(SPIN_NANOS, 4 * SPIN_NANOS));
    }
}
