package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;
import dev.offload.transport.internal.FrameType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The appender touches the queue's pages ahead of what it writes ({@code FrameAppender#touchAhead}):
 * a tailer still reads every frame as written, across chunks of the file, and the pages touched
 * keep pace with the bytes written. Real queue files on /dev/shm.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameAppenderTouchTest {
    private static final long MAX_FRAME = 1 << 20;
    private static final long PAGE = 4096;

    @RegisterExtension
    final TestShmBase.PerTest base = TestShmBase.perTest();

    @Test
    void shouldKeepPagesTouchedAheadWithoutChangingAFrameAcrossChunks() throws IOException {
        int frames = 0;
        long bytes = 0;
        try (OneQueue q = OneQueue.create(base.path(), MAX_FRAME);
             PayloadArena arena = PayloadArena.open(q.arenaFile(), MAX_FRAME);
             FrameAppender appender = new FrameAppender(q.queueDir());
             FrameTailer tailer = new FrameTailer(q.queueDir(), MAX_FRAME, "test", arena, end -> { }, System::currentTimeMillis)) {
            // past the first chunk (ShmQueues.blockSize()), where the appender maps another stretch of the file
            while (bytes < 3 * ShmQueues.blockSize() / 2) {
                byte[] payload = ByteBuffer.allocate(Long.BYTES + frames % 97).putLong(frames).array();
                Frame job = Frame.of(FrameType.JOB, frames, 1, payload);
                appender.append(job, FrameCodec.checkSendable(job, MAX_FRAME));
                bytes += payload.length + FrameCodec.HEADER_BYTES;
                Frame read = tailer.poll();
                assertThat(read).as("frame %d, read right after it was written", frames).isNotNull();
                assertThat(read.jobId()).isEqualTo(frames);
                assertThat(ByteBuffer.wrap(read.payload()).getLong()).isEqualTo(frames);
                assertThat(read.payload()).hasSize(payload.length).endsWith(new byte[payload.length - Long.BYTES]);
                frames++;
            }
            assertThat(tailer.poll()).as("nothing more than was written").isNull();
            long pages = appender.pagesTouched();
            assertThat(pages * PAGE).as("pages touched for %d bytes of frames in %d documents", bytes, appender.documents())
                    .isGreaterThanOrEqualTo(bytes)
                    .isLessThanOrEqualTo(4 * bytes + 4 * FrameAppender.TOUCH_AHEAD_BYTES);
        }
    }
}
