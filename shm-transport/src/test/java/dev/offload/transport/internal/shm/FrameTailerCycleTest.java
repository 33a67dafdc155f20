package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;
import dev.offload.transport.internal.FrameType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a poll might move the tailer to the queue's next cycle file, the one part of a read that can
 * wait: from {@link ShmQueues#CYCLE_EDGE_MILLIS} before its cycle ends until it has moved. Real
 * queue files; the tailer's clock is the test's, the writer's the real one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameTailerCycleTest {
    private static final long MAX_FRAME = 1 << 20;

    @RegisterExtension
    final TestShmBase.PerTest base = TestShmBase.perTest();

    @Test
    void shouldSayAPollMayMoveToTheNextCycleOnlyFromJustBeforeItsEnd() throws IOException {
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        Frame job = Frame.of(FrameType.JOB, 1, 1, new byte[] {1, 2, 3});
        try (OneQueue q = OneQueue.create(base.path(), MAX_FRAME);
             PayloadArena arena = PayloadArena.open(q.arenaFile(), MAX_FRAME);
             FrameAppender appender = new FrameAppender(q.queueDir());
             FrameTailer tailer = new FrameTailer(q.queueDir(), MAX_FRAME, "test", arena, end -> { }, clock::get)) {
            assertThat(tailer.mayMoveToNextCycle()).as("before its first read, the tailer has a file to find").isTrue();

            int cycle;
            do { // the cycle the frame was written in: retried if a minute began in between
                cycle = ShmQueues.cycleAt(System.currentTimeMillis());
                appender.append(job, FrameCodec.checkSendable(job, MAX_FRAME));
                assertThat(tailer.poll()).isNotNull();
            } while (cycle != ShmQueues.cycleAt(System.currentTimeMillis()));
            long start = cycleStartMillis(cycle);
            long end = cycleStartMillis(cycle + 1);

            clock.set(start);
            assertThat(tailer.mayMoveToNextCycle()).as("at the start of its cycle").isFalse();
            clock.set(start + (end - start) / 2);
            assertThat(tailer.mayMoveToNextCycle()).as("mid-cycle").isFalse();
            clock.set(end - ShmQueues.CYCLE_EDGE_MILLIS - 1);
            assertThat(tailer.mayMoveToNextCycle()).as("just before the edge").isFalse();
            clock.set(end - ShmQueues.CYCLE_EDGE_MILLIS);
            assertThat(tailer.mayMoveToNextCycle()).as("within the edge").isTrue();
            clock.set(end + 1);
            assertThat(tailer.mayMoveToNextCycle()).as("in the next cycle, not moved yet").isTrue();
        }
    }

    /** The first millisecond of {@code cycle}, by {@link ShmQueues#cycleAt}'s own arithmetic. */
    private static long cycleStartMillis(int cycle) {
        long t = ShmQueues.cycleStartMillis(cycle);
        assertThat(ShmQueues.cycleAt(t)).isEqualTo(cycle);
        assertThat(ShmQueues.cycleAt(t - 1)).isEqualTo(cycle - 1);
        return t;
    }
}
