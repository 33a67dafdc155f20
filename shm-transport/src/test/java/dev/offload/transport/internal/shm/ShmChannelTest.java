package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelContractTest;
import dev.offload.transport.internal.ChannelException;
import dev.offload.transport.internal.ChannelOptions;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameCodec;
import dev.offload.transport.internal.FrameType;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The channel contract over shared memory, both sides in this JVM, joined by a real doorbell
 * socket. Plus what only shm has: the control block's counters, the payload arena, cycle-file
 * deletion, and the doorbell's end of stream.
 */
class ShmChannelTest extends ChannelContractTest {
    private TestShmBase base;
    private ShmDirectory pool;
    private Path workerDir;

    @Override
    protected Endpoints open(ChannelOptions options) throws IOException {
        base = TestShmBase.create();
        pool = ShmDirectory.create(base.path());
        workerDir = pool.workerDir("w0");
        ShmChannel.prepare(workerDir, options);
        ShmChannel[] ends = ShmFixture.connect(workerDir, options, SpinGate.shared(), PARENT, WORKER);
        return new Endpoints(ends[0], ends[1]);
    }

    @Override
    protected void injectTowardWorker(byte[] raw) {
        appendRawDocument(ShmQueues.queueDir(workerDir, Direction.P2W), raw);
    }

    @Override
    protected void endParentStream() {
        parent.close(); // the worker's doorbell reaches end of stream, as when the parent dies
    }

    @Override
    protected void closeFixture() throws IOException {
        try {
            pool.close();
        } finally {
            base.assertEmptyAndDelete();
        }
    }

    @Test
    @Timeout(30)
    void aJobForTheHandlerOfTheJobBeforeItShouldLeaveTheNameOutOfTheQueue() throws Exception {
        String a = "com.example.handlers.ResizeImage";
        String b = "com.example.handlers.Thumbnail";
        List<String> handlers = List.of(a, a, a, b, b, a, "");
        byte[] input = "{\"w\":64}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < handlers.size(); i++) {
            FrameType type = handlers.get(i).isEmpty() ? FrameType.CANCEL : FrameType.JOB;
            parent.send(new Frame(type, i, 1, handlers.get(i), 0, type == FrameType.JOB ? input : Frame.NO_PAYLOAD));
        }
        parent.send(new Frame(FrameType.JOB, 7, 1, a, 0, input)); // after a frame that named none

        assertThat(receiveAll(worker, 8)).extracting(Frame::handler).containsExactly(a, a, a, b, b, a, "", a);
        int named = FrameCodec.HEADER_BYTES + input.length;
        assertThat(documentSizes(ShmQueues.queueDir(workerDir, Direction.P2W))).containsExactly(
                named + a.length(), named, named, named + b.length(), named, named + a.length(),
                FrameCodec.HEADER_BYTES, named);
    }

    @Test
    @Timeout(30)
    void aWithdrawalShouldKeepTheWorkerFromStartingExactlyTheFramesItCoversOnceAndFailWhenTheWorkerClaimedFirst() {
        assertThat(parent.jobsClaimed()).isZero();
        assertThat(worker.claimJob()).isTrue(); // 1
        assertThat(worker.claimJob()).isTrue(); // 2
        assertThat(parent.jobsClaimed()).isEqualTo(2);
        assertThat(parent.withdraw(1, 5)).as("the worker claimed 2 already").isFalse();
        assertThat(parent.jobsClaimed()).isEqualTo(2);

        assertThat(parent.withdraw(2, 5)).isTrue();
        assertThat(parent.jobsClaimed()).as("not yet seen").isEqualTo(-1);
        assertThat(parent.withdraw(2, 6)).as("one withdrawal at a time").isFalse();
        assertThat(worker.claimJob()).as("3").isFalse();
        assertThat(parent.jobsClaimed()).as("seen: counted through 5").isEqualTo(5);
        assertThat(worker.claimJob()).as("4").isFalse();
        assertThat(worker.claimJob()).as("5").isFalse();
        assertThat(worker.claimJob()).as("6, sent after the withdrawal").isTrue();
        assertThat(parent.jobsClaimed()).isEqualTo(6);

        assertThat(parent.withdraw(6, 7)).isTrue(); // the head of a worker that never reached it
        assertThat(worker.claimJob()).as("7").isFalse();
        assertThat(worker.claimJob()).as("8").isTrue();
        assertThat(parent.jobsClaimed()).isEqualTo(8);
    }

    @Test
    @Timeout(30)
    void framesSentHeldShouldReachTheQueueTogetherAsOneDocumentAndRingASleepingReaderOnce() throws Exception {
        try (Selector selector = Selector.open()) {
            parent.wakeups().register(selector, SelectionKey.OP_READ);
            assertThat(parent.prepareSleep()).isTrue(); // the pool's reader, asleep on the doorbells
            List<Frame> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Frame answer = new Frame(FrameType.RESULT, i, 1, "", 1, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                answers.add(answer);
                worker.sendHeld(answer);
            }
            Path answerQueue = ShmQueues.queueDir(workerDir, Direction.W2P);
            assertThat(documentSizes(answerQueue)).as("nothing written while held").isEmpty();
            assertThat(selector.selectNow()).as("nobody woken while held").isZero();

            worker.flushHeld();
            assertThat(selector.select(10_000)).isEqualTo(1);
            assertThat(parent.drainWakeups()).as("peer gone").isFalse();
            assertThat(parent.poll()).isEqualTo(answers.get(0));
            assertThat(parent.readMayWait()).as("a frame of a document already read waits").isFalse();
            assertThat(parent.poll()).isEqualTo(answers.get(1));
            assertThat(parent.poll()).isEqualTo(answers.get(2));
            assertThat(parent.poll()).isNull();
            assertThat(shmParent().inboundCounters().rings()).isEqualTo(1);
            int bytes = 0;
            for (Frame answer : answers) {
                bytes += FrameCodec.HEADER_BYTES + answer.payload().length;
            }
            assertThat(documentSizes(answerQueue)).containsExactly(bytes);
        }
    }

    @Test
    @Timeout(30)
    void framesSentHeldShouldGoOutOnADocumentOfTheirOwnOnceAPageIsFull() throws Exception {
        byte[] payload = new byte[200];
        int frameBytes = FrameCodec.HEADER_BYTES + payload.length;
        int perDocument = ShmQueues.HELD_DOCUMENT_BYTES / frameBytes;
        int count = 2 * perDocument + 1;
        for (int i = 0; i < count; i++) {
            worker.sendHeld(new Frame(FrameType.RESULT, i, 1, "", 0, payload));
        }
        worker.flushHeld();
        assertThat(receiveAll(parent, count)).extracting(Frame::jobId)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, count).boxed().toList());
        assertThat(documentSizes(ShmQueues.queueDir(workerDir, Direction.W2P)))
                .containsExactly(perDocument * frameBytes, perDocument * frameBytes, frameBytes);
    }

    @Test
    @Timeout(30)
    void garbageAfterAGoodFrameInOneDocumentShouldBeCorruptOnceThatFrameIsRead() throws Exception {
        Frame good = new Frame(FrameType.JOB, 1, 1, "com.example.Handler", 0, new byte[] {1, 2});
        byte[] frame = encode(good);
        byte[] garbage = "and then some text".getBytes(StandardCharsets.UTF_8);
        byte[] raw = java.util.Arrays.copyOf(frame, frame.length + garbage.length);
        System.arraycopy(garbage, 0, raw, frame.length, garbage.length);
        injectTowardWorker(raw);
        assertThat(worker.receive()).isEqualTo(good);
        assertThatThrownBy(() -> worker.receive())
                .isInstanceOf(dev.offload.transport.internal.CorruptFrameException.class)
                .hasMessageContaining(WORKER);
    }

    private static List<Integer> documentSizes(Path queueDir) {
        List<Integer> sizes = new ArrayList<>();
        try (SingleChronicleQueue queue = ShmQueues.open(queueDir);
             ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return sizes;
                    }
                    sizes.add((int) dc.wire().bytes().readRemaining());
                }
            }
        }
    }

    static void appendRawDocument(Path queueDir, byte[] raw) {
        try (SingleChronicleQueue queue = ShmQueues.open(queueDir);
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
        assertThat(workerDir.resolve("p2w.arena")).isRegularFile();
        assertThat(workerDir.resolve("w2p.arena")).isRegularFile();
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
    void trySendShouldRefuseWhatWouldWaitAndRingASleepingReaderItself() throws Exception {
        // Nothing appended yet: the first append creates the cycle file, which trySend leaves alone.
        assertThat(parent.trySend(Frame.control(FrameType.HEARTBEAT))).isFalse();
        parent.send(Frame.control(FrameType.HEARTBEAT));
        assertThat(worker.receive().type()).isEqualTo(FrameType.HEARTBEAT);

        // Reader awake: sent, no ring.
        assertThat(parent.trySend(Frame.of(FrameType.JOB, 7, 1, new byte[16]))).isTrue();
        assertThat(worker.receive().jobId()).isEqualTo(7);
        assertThat(shmParent().outboundCounters().rings()).isZero();

        // Reader asleep on its doorbell: trySend rings it, with one non-blocking write.
        Future<Frame> receiving = workerAsleepInReceive();
        assertThat(parent.trySend(Frame.of(FrameType.JOB, 9, 1, new byte[16]))).isTrue();
        assertThat(receiving.get(10, TimeUnit.SECONDS).jobId()).isEqualTo(9);
        assertThat(shmParent().outboundCounters().rings()).isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void largePayloadsShouldTravelThroughTheArenaAndReuseItsFirstPages() throws Exception {
        parent.send(Frame.control(FrameType.HEARTBEAT)); // the first cycle file
        worker.receive();
        byte[] big = new byte[MAX_FRAME_BYTES];
        new java.util.Random(3).nextBytes(big);
        for (int i = 0; i < 20; i++) {
            Frame job = new Frame(FrameType.JOB, i, 1, "com.example.Echo", 0, big);
            assertThat(parent.trySend(job)).isTrue();
            Frame got = worker.receive();
            assertThat(got).isEqualTo(job);
            worker.send(new Frame(FrameType.RESULT, i, 1, "", 0, got.payload()));
            assertThat(parent.receive().payload()).isEqualTo(big);
        }
        // Each payload was copied out before the next went in, so each went to offset 0: the arena
        // file holds the pages of one payload, not twenty.
        assertThat(allocatedBytes(ShmQueues.arenaFile(workerDir, Direction.P2W))).isLessThan(2L * MAX_FRAME_BYTES);
        assertThat(allocatedBytes(ShmQueues.arenaFile(workerDir, Direction.W2P))).isLessThan(2L * MAX_FRAME_BYTES);
    }

    @Test
    @Timeout(30)
    void trySendShouldRefuseWhenTheArenaIsFullAndSendWhenTheReaderCatchesUp() throws Exception {
        parent.send(Frame.control(FrameType.HEARTBEAT));
        worker.receive();
        byte[] big = new byte[MAX_FRAME_BYTES];
        int sent = 0;
        while (parent.trySend(Frame.of(FrameType.JOB, sent, 1, big))) {
            sent++;
            assertThat(sent).as("frames the arena took").isLessThan(100);
        }
        assertThat(sent).isPositive();
        assertThat(worker.receive().jobId()).isZero(); // copies the first payload out: its space is free
        assertThat(parent.trySend(Frame.of(FrameType.JOB, sent, 1, big))).isTrue();
        for (int i = 1; i <= sent; i++) {
            assertThat(worker.receive().jobId()).isEqualTo(i);
        }
    }

    @Test
    @Timeout(30)
    void theDoorbellShouldTellTheParentWhenTheWorkerIsGone() throws Exception {
        try (Selector selector = Selector.open()) {
            parent.wakeups().register(selector, SelectionKey.OP_READ);
            assertThat(parent.prepareSleep()).isTrue();
            worker.close();
            assertThat(selector.select(10_000)).isEqualTo(1);
            assertThat(parent.drainWakeups()).isTrue();
        }
    }

    /** Bytes of tmpfs the file really holds (its blocks), not its length. */
    private static long allocatedBytes(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] parts = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }

    @Test
    @Timeout(300)
    void shouldDeleteCycleFilesTheReaderHasFinished() throws Exception {
        Path queueDir = ShmQueues.queueDir(workerDir, Direction.P2W);
        Set<String> seen = new HashSet<>();
        // One cycle per minute: keep a frame moving until three cycle files have existed. Slow, so
        // only when asked for (-Doffload.test.slow=true).
        Assumptions.assumeTrue(Boolean.getBoolean("offload.test.slow"), "a three-minute test");
        while (seen.size() < 3) {
            parent.send(Frame.control(FrameType.HEARTBEAT));
            assertThat(worker.receive().type()).isEqualTo(FrameType.HEARTBEAT);
            await().atMost(Duration.ofSeconds(10)).until(() -> !FinishedCycles.busy());
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
        ShmChannel.prepare(workerDir, OPTIONS);
        ShmChannel[] fresh = ShmFixture.connect(workerDir, OPTIONS, SpinGate.shared(), "fresh-parent", "fresh");
        try {
            assertThat(fresh[1].poll()).isNull();
        } finally {
            fresh[0].close();
            fresh[1].close();
        }
    }

    @Test
    void openShouldFailClearlyWithoutPrepareAndCreateNothing() {
        Path missing = pool.workerDir("never-prepared");
        assertThatThrownBy(() -> ShmChannel.openWorkerSide(missing, OPTIONS, "w9"))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining(missing.toString());
        assertThat(missing).doesNotExist();
    }

    @Test
    void shouldRefuseAFrameLimitBeyondWhatChronicleCanMap() {
        ChannelOptions huge = new ChannelOptions(ShmQueues.MAX_FRAME_BYTES + 1, 0);
        assertThatThrownBy(() -> ShmChannel.prepare(pool.workerDir("w9"), huge))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining("maxFrameBytes")
                .hasMessageContaining("pipe");
    }
}
