package dev.offload.transport.shm;

import dev.offload.transport.ChannelClosedException;
import dev.offload.transport.ChannelContractTest;
import dev.offload.transport.ChannelException;
import dev.offload.transport.ChannelOptions;
import dev.offload.transport.Frame;
import dev.offload.transport.FrameType;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The channel contract over shared memory, both sides in this JVM: the doorbells are java.nio
 * pipes standing in for the worker's stdin/stdout. Plus what only shm has: the control block's
 * counters, cycle-file deletion, and waking a reader whose doorbell stream ignores close().
 */
class ShmChannelTest extends ChannelContractTest {
    private TestShmBase base;
    private ShmDirectory pool;
    private Path workerDir;
    private Pipe toWorkerBell;
    private Pipe toParentBell;
    private OutputStream toWorkerBellRaw;

    @Override
    protected Endpoints open(ChannelOptions options) throws IOException {
        base = TestShmBase.create();
        pool = ShmDirectory.create(base.path());
        workerDir = pool.workerDir("w0");
        ShmChannel.prepare(workerDir);
        toWorkerBell = Pipe.open();
        toParentBell = Pipe.open();
        toWorkerBellRaw = Channels.newOutputStream(toWorkerBell.sink());
        return new Endpoints(
                ShmChannel.openParentSide(workerDir, Channels.newInputStream(toParentBell.source()), toWorkerBellRaw,
                        options, PARENT),
                ShmChannel.openWorkerSide(workerDir, Channels.newInputStream(toWorkerBell.source()),
                        Channels.newOutputStream(toParentBell.sink()), options, WORKER));
    }

    @Override
    protected void injectTowardWorker(byte[] raw) {
        appendRawDocument(ShmQueues.queueDir(workerDir, Direction.P2W), raw);
    }

    @Override
    protected void endParentStream() throws IOException {
        toWorkerBellRaw.close();
    }

    @Override
    protected void closeFixture() throws IOException {
        try {
            for (Pipe pipe : new Pipe[] {toWorkerBell, toParentBell}) {
                pipe.sink().close();
                pipe.source().close();
            }
            pool.close();
        } finally {
            base.assertEmptyAndDelete();
        }
    }

    static void appendRawDocument(Path queueDir, byte[] raw) {
        try (SingleChronicleQueue queue = ShmQueues.open(queueDir, MAX_FRAME_BYTES);
             ExcerptAppender appender = queue.createAppender();
             DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(raw);
        }
    }

    private ShmChannel shmParent() {
        return (ShmChannel) parent;
    }

    private ShmChannel shmWorker() {
        return (ShmChannel) worker;
    }

    /** The worker side blocked in receive() on its doorbell, after its first sleep; its frame comes later. */
    private Future<Frame> workerAsleepInReceive() throws Exception {
        AtomicReference<Thread> reader = new AtomicReference<>();
        Future<Frame> receiving = inBackground(() -> {
            reader.set(Thread.currentThread());
            return worker.receive();
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> shmWorker().inboundCounters().sleeps() == 1);
        awaitBlocked(reader::get);
        return receiving;
    }

    @Test
    void prepareShouldMakeAPrivateWorkerDirectory() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workerDir))).isEqualTo("rwx------");
        assertThat(workerDir.resolve("p2w")).isDirectory();
        assertThat(workerDir.resolve("w2p")).isDirectory();
        assertThat(workerDir.resolve(ShmChannel.CONTROL_FILE)).isRegularFile();
    }

    @Test
    @Timeout(30)
    void shouldRingOnlyAReaderThatSleeps() throws Exception {
        // Reader awake: the frame is already there, no ring.
        parent.send(Frame.control(FrameType.HEARTBEAT));
        assertThat(worker.receive().type()).isEqualTo(FrameType.HEARTBEAT);
        assertThat(shmParent().outboundCounters().rings()).isZero();

        // Reader asleep on the doorbell: one sleep, one ring, one wake-up.
        Future<Frame> receiving = workerAsleepInReceive();
        parent.send(Frame.control(FrameType.BYE));
        assertThat(receiving.get(10, TimeUnit.SECONDS).type()).isEqualTo(FrameType.BYE);
        DoorbellCounters counters = shmWorker().inboundCounters();
        assertThat(counters.sleeps()).isEqualTo(1);
        assertThat(counters.rings()).isEqualTo(1);
        assertThat(counters.wakeups()).isEqualTo(1);
        assertThat(shmParent().outboundCounters()).isEqualTo(counters); // one block, seen from both sides
    }

    @Test
    @Timeout(30)
    void trySendShouldSendToAnAwakeReaderAndRefuseWhatWouldNeedASystemCall() throws Exception {
        // Nothing appended yet: the first append creates the cycle file, which trySend leaves alone.
        assertThat(parent.trySend(Frame.control(FrameType.HEARTBEAT))).isFalse();
        parent.send(Frame.control(FrameType.HEARTBEAT));
        assertThat(worker.receive().type()).isEqualTo(FrameType.HEARTBEAT);

        // Reader awake, small frame: sent, no ring.
        assertThat(parent.trySend(Frame.of(FrameType.JOB, 7, 1, new byte[16]))).isTrue();
        Frame got = worker.receive();
        assertThat(got.type()).isEqualTo(FrameType.JOB);
        assertThat(got.jobId()).isEqualTo(7);

        // Over the trySend size: refused, nothing written.
        assertThat(parent.trySend(Frame.of(FrameType.JOB, 8, 1, new byte[ShmChannel.TRY_SEND_MAX_PAYLOAD + 1]))).isFalse();
        assertThat(worker.poll()).isNull();

        // Reader asleep on its doorbell: waking it is a pipe write, so refused; send() rings.
        Future<Frame> receiving = workerAsleepInReceive();
        assertThat(parent.trySend(Frame.of(FrameType.JOB, 9, 1, new byte[16]))).isFalse();
        parent.send(Frame.of(FrameType.JOB, 10, 1, new byte[16]));
        assertThat(receiving.get(10, TimeUnit.SECONDS).jobId()).isEqualTo(10);
        assertThat(shmParent().outboundCounters().rings()).isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void closeShouldEndAReaderBlockedOnADeafDoorbellOnceThePeerGoes() throws Exception {
        // A stream like a Linux pipe's: close() does not wake a thread blocked in read(); the
        // reader wakes when the peer's end closes (here: the latch), and must then see the close.
        CountDownLatch released = new CountDownLatch(1);
        InputStream deaf = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }

            @Override
            public void close() {
                // deliberately does not wake read()
            }
        };
        try (ShmChannel deafWorker = ShmChannel.openWorkerSide(workerDir, deaf, OutputStream.nullOutputStream(),
                OPTIONS, "deaf-worker")) {
            AtomicReference<Thread> reader = new AtomicReference<>();
            Future<Frame> receiving = inBackground(() -> {
                reader.set(Thread.currentThread());
                return deafWorker.receive();
            });
            awaitBlocked(reader::get);
            deafWorker.close();
            released.countDown();
            assertThatThrownBy(() -> receiving.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ChannelClosedException.class)
                    .hasMessageContaining("deaf-worker");
        } finally {
            released.countDown();
        }
    }

    @Test
    @Timeout(30)
    void shouldDeleteCycleFilesTheReaderHasFinished() throws Exception {
        Path queueDir = ShmQueues.queueDir(workerDir, Direction.P2W);
        Set<String> seen = new HashSet<>();
        // One cycle per second: keep a frame moving until three cycle files have existed.
        while (seen.size() < 3) {
            parent.send(Frame.control(FrameType.HEARTBEAT));
            assertThat(worker.receive().type()).isEqualTo(FrameType.HEARTBEAT);
            List<String> files = cycleFiles(queueDir);
            assertThat(files).as("cycle files after a read").hasSizeLessThanOrEqualTo(2);
            seen.addAll(files);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // pacing, not synchronisation
        }
    }

    static List<String> cycleFiles(Path queueDir) throws IOException {
        try (Stream<Path> files = Files.list(queueDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }

    @Test
    @Timeout(30)
    void prepareShouldGiveANewWorkerAnEmptyChannel() throws Exception {
        parent.send(Frame.of(FrameType.JOB, 1, 1, "for the old worker".getBytes(StandardCharsets.UTF_8)));
        parent.close();
        worker.close();
        ShmChannel.prepare(workerDir);
        try (ShmChannel fresh = ShmChannel.openWorkerSide(workerDir, InputStream.nullInputStream(),
                OutputStream.nullOutputStream(), OPTIONS, "fresh")) {
            assertThat(fresh.poll()).isNull();
        }
    }

    @Test
    void openShouldFailClearlyWithoutPrepareAndCreateNothing() {
        Path missing = pool.workerDir("never-prepared");
        assertThatThrownBy(() -> ShmChannel.openWorkerSide(missing, InputStream.nullInputStream(),
                OutputStream.nullOutputStream(), OPTIONS, "w9"))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("prepare");
        assertThat(missing).doesNotExist();
    }

    @Test
    void shouldRefuseAFrameLimitBeyondWhatChronicleCanMap() {
        ChannelOptions huge = new ChannelOptions(ShmQueues.MAX_FRAME_BYTES + 1, 0);
        assertThatThrownBy(() -> ShmChannel.openWorkerSide(workerDir, InputStream.nullInputStream(),
                OutputStream.nullOutputStream(), huge, "w9"))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining("maxFrameBytes")
                .hasMessageContaining("pipe");
    }
}
