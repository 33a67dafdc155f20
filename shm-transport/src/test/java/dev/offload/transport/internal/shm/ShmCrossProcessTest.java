package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.ChannelClosedException;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.ChannelSpec;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The real thing: a worker in a child JVM that connects to the parent's doorbell socket by path.
 * A blocked receive() wakes on close and on the child's death (its end of the socket closes).
 */
class ShmCrossProcessTest {
    private TestShmBase base;
    private ShmDirectory pool;
    private Process child;
    private Channel parent;
    private Path stderr;

    @BeforeEach
    void startChild() throws Exception {
        base = TestShmBase.create();
        pool = ShmDirectory.create(base.path());
        Path workerDir = pool.workerDir("w0");
        ChannelSpec spec = ChannelSpec.shm(workerDir, new ChannelOptions(1 << 20, 20_000));
        ShmChannel.prepare(workerDir, spec.options());
        DoorbellListener doorbell = DoorbellListener.listen(workerDir);
        stderr = Files.createTempFile("offload-child", ".txt");
        ProcessBuilder builder = ChildJvm.builder(true, Map.of(ChannelSpec.ENV, spec.format()), "echo");
        builder.redirectError(stderr.toFile());
        child = builder.start();
        parent = ShmChannel.openParentSide(workerDir, doorbell, child::isAlive, spec.options(), "parent");
        Frame hello = CompletableFuture.supplyAsync(this::receiveUnchecked).get(30, TimeUnit.SECONDS);
        assertThat(hello.type()).as("first frame; child stderr: %s", Files.readString(stderr)).isEqualTo(FrameType.HELLO);
    }

    @AfterEach
    void stopChild() throws Exception {
        try {
            parent.close();
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            pool.close();
            Files.deleteIfExists(stderr);
        } finally {
            base.assertEmptyAndDelete();
        }
    }

    private Frame receiveUnchecked() {
        try {
            return parent.receive();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldEchoFramesAcrossProcessesAndEndOnBye() throws Exception {
        for (long i = 0; i < 20_000; i++) {
            parent.send(Frame.of(FrameType.JOB, i, 1, ByteBuffer.allocate(8).putLong(i).array()));
            Frame reply = parent.receive();
            assertThat(reply.type()).isEqualTo(FrameType.RESULT);
            assertThat(reply.jobId()).isEqualTo(i);
            assertThat(ByteBuffer.wrap(reply.payload()).getLong()).isEqualTo(i);
        }
        parent.send(Frame.control(FrameType.BYE));
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("child stderr: %s", Files.readString(stderr)).isZero();
        assertThat(Files.readString(stderr)).doesNotContain("chronicle.software");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeShouldGiveTheChildEofAndEndOurBlockedReaderWhenTheChildExits() throws Exception {
        AtomicReference<Thread> reader = new AtomicReference<>();
        CompletableFuture<Frame> receiving = CompletableFuture.supplyAsync(() -> {
            reader.set(Thread.currentThread());
            return receiveUnchecked();
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> ((ShmChannel) parent).inboundCounters().sleeps() >= 1
                && reader.get() != null && reader.get().getState() == Thread.State.RUNNABLE);
        parent.close();
        assertThatThrownBy(() -> receiving.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(ChannelClosedException.class);
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(ShmChildMain.EXIT_PEER_CLOSED);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theChildsDeathShouldWakeABlockedReader() throws Exception {
        CompletableFuture<Frame> receiving = CompletableFuture.supplyAsync(this::receiveUnchecked);
        await().atMost(10, TimeUnit.SECONDS).until(() -> ((ShmChannel) parent).inboundCounters().sleeps() >= 1);
        child.destroyForcibly();
        assertThatThrownBy(() -> receiving.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(ChannelClosedException.class)
                .rootCause().hasMessageContaining("peer closed");
    }
}
