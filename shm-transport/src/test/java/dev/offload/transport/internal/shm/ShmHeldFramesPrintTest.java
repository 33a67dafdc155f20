package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints what a small frame costs its writer's thread in CPU, sent alone (one queue document
 * each) and sent held, 21 to a document ({@link ShmChannel#sendHeld}), with the reader polling
 * along on another thread and with the reader starting only after the writer is done. No assertion
 * on the figures (performance belongs to the jmh module and {@code offload bench}); the one
 * assertion is that every frame arrived.
 */
class ShmHeldFramesPrintTest {
    private static final int FRAMES = 500_000;
    private static final int PER_DOCUMENT = 21;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void printWriterCpuPerFrameAloneAndHeld() throws Exception {
        try (ShmFixture shm = new ShmFixture(ChannelOptions.defaults(), SpinGate.shared())) {
            for (int round = 0; round < 3; round++) { // the first round warms both paths up
                for (boolean readerAlong : new boolean[] {true, false}) {
                    for (boolean held : new boolean[] {false, true}) {
                        double ns = writerNanosPerFrame(shm, held, readerAlong);
                        if (round > 0) {
                            System.out.printf("shm writer CPU per frame, %s, reader %s: %.0f ns%n",
                                    held ? "held, " + PER_DOCUMENT + " to a document" : "one document each",
                                    readerAlong ? "polling along" : "reading after", ns);
                        }
                    }
                }
            }
        }
    }

    private static double writerNanosPerFrame(ShmFixture shm, boolean held, boolean readerAlong) throws Exception {
        CompletableFuture<Integer> reading = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                int got = 0;
                while (got < FRAMES) {
                    if (shm.parent.poll() != null) {
                        got++;
                    }
                }
                reading.complete(got);
            } catch (Exception e) {
                reading.completeExceptionally(e);
            }
        }, "offload-test-reader");
        if (readerAlong) {
            reader.start();
        }
        byte[] payload = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < FRAMES; i++) {
            Frame frame = new Frame(FrameType.RESULT, i, 1, "", 1, payload);
            if (held && i % PER_DOCUMENT != PER_DOCUMENT - 1) {
                shm.worker.sendHeld(frame);
            } else {
                shm.worker.send(frame);
            }
        }
        shm.worker.flushHeld();
        cpu = threads.getCurrentThreadCpuTime() - cpu;
        if (!readerAlong) {
            reader.start();
        }
        assertThat(reading.get(60, TimeUnit.SECONDS)).isEqualTo(FRAMES);
        return cpu / (double) FRAMES;
    }
}
