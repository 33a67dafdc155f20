package dev.offload.transport.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link Channel} must have, run against each transport (JCTools'
 * QueueSanityTest style). A subclass wires two endpoints in this JVM, the parent side and the
 * worker side of one channel, and can inject raw bytes on the parent→worker wire.
 */
public abstract class ChannelContractTest {
    protected static final int MAX_FRAME_BYTES = 64 * 1024;
    protected static final ChannelOptions OPTIONS = new ChannelOptions(MAX_FRAME_BYTES, 20_000);
    protected static final String PARENT = "parent-end";
    protected static final String WORKER = "worker-end";

    protected Channel parent;
    protected Channel worker;
    private ExecutorService executor;

    /** Both endpoints of one channel, named {@link #PARENT} and {@link #WORKER}. */
    public record Endpoints(Channel parent, Channel worker) {
    }

    protected abstract Endpoints open(ChannelOptions options) throws IOException;

    /** Puts raw bytes on the parent→worker wire, as a misbehaving parent would (shm: one document). */
    protected abstract void injectTowardWorker(byte[] raw) throws IOException;

    /** Ends the parent→worker stream under the worker's feet (the parent process died). */
    protected abstract void endParentStream() throws IOException;

    /** Releases what {@link #open} made beyond the two channels; runs after they are closed. */
    protected abstract void closeFixture() throws Exception;

    @BeforeEach
    final void openChannel() throws IOException {
        executor = Executors.newCachedThreadPool(r -> new Thread(r, "offload-test-" + getClass().getSimpleName()));
        Endpoints endpoints = open(OPTIONS);
        parent = endpoints.parent();
        worker = endpoints.worker();
    }

    @AfterEach
    final void closeChannel() throws Exception {
        try {
            parent.close();
            worker.close();
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("test threads ended").isTrue();
        } finally {
            closeFixture();
        }
    }

    protected <T> Future<T> inBackground(Callable<T> task) {
        return executor.submit(task);
    }

    @Test
    @Timeout(30)
    void shouldDeliverManyFramesInOrderBothWays() throws Exception {
        List<Frame> toWorker = randomFrames(3_000, 1);
        List<Frame> toParent = randomFrames(3_000, 2);
        Future<List<Frame>> atWorker = inBackground(() -> receiveAll(worker, toWorker.size()));
        Future<List<Frame>> atParent = inBackground(() -> receiveAll(parent, toParent.size()));
        Future<?> parentSends = inBackground(() -> sendAll(parent, toWorker));
        sendAll(worker, toParent);
        parentSends.get();
        assertThat(atWorker.get()).containsExactlyElementsOf(toWorker);
        assertThat(atParent.get()).containsExactlyElementsOf(toParent);
    }

    @Test
    @Timeout(30)
    void shouldKeepEachSendersOrderWhenThreadsSendAtOnce() throws Exception {
        int senders = 4;
        int perSender = 500;
        Future<List<Frame>> received = inBackground(() -> receiveAll(worker, senders * perSender));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> sending = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            sending.add(inBackground(() -> {
                start.await();
                for (int i = 0; i < perSender; i++) {
                    parent.send(Frame.of(FrameType.PROGRESS, sender, i, ("s" + sender + "#" + i).getBytes(StandardCharsets.UTF_8)));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : sending) {
            f.get();
        }
        int[] next = new int[senders];
        for (Frame frame : received.get()) {
            int sender = (int) frame.jobId();
            assertThat(frame.attempt()).as("next frame of sender " + sender).isEqualTo(next[sender]);
            assertThat(frame.payloadAsString()).isEqualTo("s" + sender + "#" + next[sender]);
            next[sender]++;
        }
        assertThat(next).containsOnly(perSender);
    }

    @Test
    @Timeout(30)
    void framesSentHeldShouldArriveInOrderWithTheNextSendOrFlushWhateverTheirSize() throws Exception {
        List<Frame> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(new Frame(FrameType.RESULT, i, 1, "", i, ("answer " + i).getBytes(StandardCharsets.UTF_8)));
        }
        byte[] large = new byte[MAX_FRAME_BYTES / 2]; // over shm, a payload for the arena: never held
        new Random(3).nextBytes(large);
        sent.add(new Frame(FrameType.RESULT, 5, 1, "", 0, large));
        sent.add(Frame.of(FrameType.PROGRESS, 6, 1, "sent".getBytes(StandardCharsets.UTF_8)));
        sent.add(Frame.of(FrameType.RESULT, 7, 1, "flushed".getBytes(StandardCharsets.UTF_8)));
        for (Frame frame : sent.subList(0, 6)) {
            worker.sendHeld(frame);
        }
        worker.send(sent.get(6)); // sends what was held first
        worker.sendHeld(sent.get(7));
        worker.flushHeld();
        worker.flushHeld(); // nothing left: a no-op
        assertThat(receiveAll(parent, sent.size())).containsExactlyElementsOf(sent);
        assertThat(parent.poll()).isNull();
    }

    /**
     * The parent's non-blocking hold: frames tried held arrive with the next try-send or flush, in
     * order, whatever their size; a flush with nothing held says so; and nothing held is counted
     * once it went out.
     */
    @Test
    @Timeout(30)
    void framesTriedHeldShouldArriveInOrderWithTheNextTrySendOrFlush() throws Exception {
        List<Frame> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sent.add(new Frame(FrameType.JOB, i, 1, "dev.example.Tiny", 0, ("job " + i).getBytes(StandardCharsets.UTF_8)));
        }
        byte[] large = new byte[MAX_FRAME_BYTES / 2]; // over shm, a payload for the arena: sent now, after those held
        new Random(5).nextBytes(large);
        sent.add(new Frame(FrameType.JOB, 4, 1, "dev.example.Tiny", 0, large));
        sent.add(new Frame(FrameType.JOB, 5, 1, "dev.example.Tiny", 0, "tried".getBytes(StandardCharsets.UTF_8)));
        sent.add(new Frame(FrameType.JOB, 6, 1, "dev.example.Other", 0, "flushed".getBytes(StandardCharsets.UTF_8)));
        long now = System.nanoTime();
        // A fresh queue starts its first file with its first write: only a send that may wait does that.
        parent.send(Frame.of(FrameType.CANCEL, 99, 1, Frame.NO_PAYLOAD));
        for (Frame frame : sent.subList(0, 5)) {
            assertThat(parent.tryHold(frame, now)).as("tried held: job " + frame.jobId()).isTrue();
        }
        assertThat(parent.heldFrames()).as("held after the large frame went").isZero();
        assertThat(parent.trySend(sent.get(5), now)).isTrue();
        assertThat(parent.tryHold(sent.get(6), now)).isTrue();
        assertThat(parent.tryFlushHeld(now)).isTrue();
        assertThat(parent.heldFrames()).isZero();
        assertThat(parent.tryFlushHeld(now)).as("nothing held: nothing to wait for").isTrue();
        List<Frame> received = receiveAll(worker, sent.size() + 1);
        assertThat(received.get(0).type()).isEqualTo(FrameType.CANCEL);
        assertThat(received.subList(1, received.size())).containsExactlyElementsOf(sent);
        assertThat(worker.poll()).isNull();
    }

    @Test
    @Timeout(30)
    void framesSentHeldByOneThreadShouldKeepTheirOrderWithAnotherThreadsSends() throws Exception {
        int held = 2_000;
        Future<List<Frame>> received = inBackground(() -> receiveAll(parent, 2 * held));
        Future<?> other = inBackground(() -> {
            for (int i = 0; i < held; i++) {
                worker.send(Frame.of(FrameType.HEARTBEAT, 1, i, Frame.NO_PAYLOAD));
            }
            return null;
        });
        for (int i = 0; i < held; i++) {
            Frame frame = Frame.of(FrameType.RESULT, 2, i, Frame.NO_PAYLOAD);
            if (i % 7 == 6) {
                worker.send(frame);
            } else {
                worker.sendHeld(frame);
            }
        }
        worker.flushHeld();
        other.get();
        int[] next = new int[3];
        for (Frame frame : received.get()) {
            int sender = (int) frame.jobId();
            assertThat(frame.attempt()).as("next frame of sender " + sender).isEqualTo(next[sender]);
            next[sender]++;
        }
        assertThat(next[1]).isEqualTo(held);
        assertThat(next[2]).isEqualTo(held);
    }

    @Test
    @Timeout(30)
    void shouldPassAPayloadOfExactlyMaxFrameBytes() throws Exception {
        byte[] payload = new byte[MAX_FRAME_BYTES];
        new Random(7).nextBytes(payload);
        Frame big = new Frame(FrameType.JOB, 42, 1, "com.example.Handler", 0, payload);
        Future<?> sending = inBackground(() -> {
            parent.send(big);
            return null;
        });
        assertThat(worker.receive()).isEqualTo(big);
        sending.get();
    }

    @Test
    @Timeout(30)
    void shouldRefuseAnOversizedPayloadAndStayUsable() throws Exception {
        Frame tooBig = Frame.of(FrameType.JOB, 1, 1, new byte[MAX_FRAME_BYTES + 1]);
        assertThatThrownBy(() -> parent.send(tooBig))
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining(String.valueOf(MAX_FRAME_BYTES + 1))
                .hasMessageContaining(String.valueOf(MAX_FRAME_BYTES));
        Frame fine = Frame.of(FrameType.JOB, 2, 1, "after".getBytes(StandardCharsets.UTF_8));
        parent.send(fine);
        assertThat(worker.receive()).isEqualTo(fine);
    }

    @Test
    @Timeout(30)
    void shouldRefuseSendReceiveAndPollAfterClose() {
        parent.close();
        assertThatThrownBy(() -> parent.send(Frame.control(FrameType.BYE))).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> parent.receive()).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> parent.poll()).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    @Timeout(30)
    void shouldCloseIdempotently() {
        parent.close();
        parent.close();
        worker.close();
        worker.close();
    }

    @Test
    @Timeout(30)
    void closeShouldWakeABlockedReceive() throws Exception {
        AtomicReference<Thread> reader = new AtomicReference<>();
        Future<Frame> receiving = inBackground(() -> {
            reader.set(Thread.currentThread());
            return worker.receive();
        });
        awaitBlocked(reader::get);
        worker.close();
        assertThatThrownBy(() -> receiving.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ChannelClosedException.class);
    }

    @Test
    @Timeout(30)
    void shouldDeliverPendingFramesThenReportThePeersClose() throws Exception {
        List<Frame> last = randomFrames(3, 3);
        sendAll(parent, last);
        parent.close();
        assertThat(receiveAll(worker, 3)).containsExactlyElementsOf(last);
        assertThatThrownBy(() -> worker.receive())
                .isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining(WORKER);
    }

    @Test
    @Timeout(30)
    void peerCloseShouldWakeABlockedReceive() throws Exception {
        AtomicReference<Thread> reader = new AtomicReference<>();
        Future<Frame> receiving = inBackground(() -> {
            reader.set(Thread.currentThread());
            return worker.receive();
        });
        awaitBlocked(reader::get);
        parent.close();
        assertThatThrownBy(() -> receiving.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ChannelClosedException.class);
    }

    @Test
    @Timeout(30)
    void aFrameCutShortShouldBeCorrupt() throws Exception {
        byte[] whole = encode(new Frame(FrameType.JOB, 9, 1, "com.example.Handler", 0, new byte[100]));
        injectTowardWorker(Arrays.copyOf(whole, whole.length - 40));
        endParentStream();
        assertThatThrownBy(() -> worker.receive())
                .isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining(WORKER)
                .hasMessageContaining("JOB frame");
    }

    @Test
    @Timeout(30)
    void aFrameRepeatingAHandlerNoFrameNamedShouldBeCorruptAndSaySo() throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(FrameCodec.HEADER_BYTES + 3);
        FrameCodec.encodeRepeatingHandler(new Frame(FrameType.JOB, 12, 1, "ignored", 0, new byte[] {1, 2, 3}), buf);
        injectTowardWorker(buf.array());
        assertThatThrownBy(() -> worker.receive())
                .isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining(WORKER)
                .hasMessageContaining("JOB frame")
                .hasMessageContaining("repeats the handler");
    }

    @Test
    @Timeout(30)
    void garbageShouldBeCorruptAndSaySo() throws Exception {
        byte[] garbage = "this is not a frame, just some text that ended up on the wire".getBytes(StandardCharsets.UTF_8);
        injectTowardWorker(garbage);
        assertThatThrownBy(() -> worker.receive())
                .isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining(WORKER)
                .hasMessageContaining("garbage")
                .hasMessageContaining("magic")
                .hasMessageContaining("first bytes 7468697320697320, as text \"this is \"");
    }

    @Test
    @Timeout(30)
    void pollShouldReturnNullWhenEmptyAndTheFrameOnceSent() throws Exception {
        assertThat(worker.poll()).isNull();
        assertThat(parent.poll()).isNull();
        Frame frame = Frame.of(FrameType.CANCEL, 5, 2, Frame.NO_PAYLOAD);
        parent.send(frame);
        AtomicReference<Frame> polled = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> polled.compareAndSet(null, worker.poll()) && polled.get() != null);
        assertThat(polled.get()).isEqualTo(frame);
        assertThat(worker.poll()).isNull();
    }

    @Test
    @Timeout(30)
    void aReaderThatArmedItsWakeUpShouldBeWokenByTheNextFrameOnly() throws Exception {
        try (Selector selector = Selector.open()) {
            parent.wakeups().register(selector, SelectionKey.OP_READ);
            assertThat(parent.prepareSleep()).isTrue();
            Frame first = Frame.of(FrameType.RESULT, 3, 1, "first".getBytes(StandardCharsets.UTF_8));
            worker.send(first);
            assertThat(selector.select(10_000)).isEqualTo(1);
            selector.selectedKeys().clear();
            assertThat(parent.drainWakeups()).as("peer gone").isFalse();
            assertThat(parent.poll()).isEqualTo(first);

            // Not armed: the next frame arrives without waking anyone.
            Frame second = Frame.of(FrameType.RESULT, 4, 1, "second".getBytes(StandardCharsets.UTF_8));
            worker.send(second);
            AtomicReference<Frame> polled = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                    .until(() -> polled.compareAndSet(null, parent.poll()) && polled.get() != null);
            assertThat(polled.get()).isEqualTo(second);
            assertThat(selector.selectNow()).isZero();
        }
    }

    @Test
    @Timeout(30)
    void prepareSleepShouldRefuseWhileAFrameWaitsAndKeepIt() throws Exception {
        Frame frame = Frame.of(FrameType.PROGRESS, 8, 1, "waiting".getBytes(StandardCharsets.UTF_8));
        worker.send(frame);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> !parent.prepareSleep());
        assertThat(parent.poll()).isEqualTo(frame);
        assertThat(parent.poll()).isNull();
    }

    @Test
    @Timeout(30)
    void theWakeUpShouldFireWhenThePeerGoesAndPollThenEndAfterItsLastFrame() throws Exception {
        try (Selector selector = Selector.open()) {
            parent.wakeups().register(selector, SelectionKey.OP_READ);
            Frame last = Frame.of(FrameType.RESULT, 9, 1, "last words".getBytes(StandardCharsets.UTF_8));
            worker.send(last);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> !parent.prepareSleep());
            worker.close();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
                selector.selectNow();
                selector.selectedKeys().clear();
                return parent.drainWakeups();
            });
            assertThat(parent.poll()).isEqualTo(last);
            assertThatThrownBy(() -> parent.poll()).isInstanceOf(ChannelClosedException.class);
        }
    }

    @Test
    @Timeout(30)
    void trySendShouldDeliverLikeSendOnceTheChannelIsWarm() throws Exception {
        parent.send(Frame.control(FrameType.HEARTBEAT)); // a shm queue's first file is made by send
        assertThat(worker.receive().type()).isEqualTo(FrameType.HEARTBEAT);
        Frame job = new Frame(FrameType.JOB, 11, 1, "com.example.Handler", 0, "input".getBytes(StandardCharsets.UTF_8));
        assertThat(parent.trySend(job)).isTrue();
        assertThat(worker.receive()).isEqualTo(job);
    }

    @Test
    void kindShouldNameTheTransport() {
        assertThat(parent.kind()).isIn("shm", "pipe").isEqualTo(worker.kind());
    }

    // ---------------------------------------------------------------------------------------------

    /** Waits until the thread is parked or inside a native read: blocked, not merely about to be. */
    protected static void awaitBlocked(Supplier<Thread> thread) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
            Thread t = thread.get();
            if (t == null) {
                return false;
            }
            Thread.State state = t.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                return true;
            }
            StackTraceElement[] stack = t.getStackTrace();
            return state == Thread.State.RUNNABLE && stack.length > 0 && stack[0].isNativeMethod()
                    && Arrays.stream(stack).anyMatch(e -> e.getMethodName().equals("receive"));
        });
    }

    protected static byte[] encode(Frame frame) {
        byte[] handler = frame.handler().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(FrameCodec.encodedLength(frame, handler));
        FrameCodec.encode(frame, handler, buf);
        return buf.array();
    }

    protected static List<Frame> randomFrames(int count, long seed) {
        Random random = new Random(seed);
        FrameType[] types = FrameType.values();
        List<Frame> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[random.nextInt(4) == 0 ? random.nextInt(8_000) : random.nextInt(64)];
            random.nextBytes(payload);
            String handler = random.nextBoolean() ? "" : "com.example.Handler" + random.nextInt(10) + "Ünïcode";
            frames.add(new Frame(types[random.nextInt(types.length)], random.nextLong(), random.nextInt(5), handler,
                    random.nextInt(), payload));
        }
        return frames;
    }

    protected static Void sendAll(Channel channel, List<Frame> frames) throws IOException {
        for (Frame frame : frames) {
            channel.send(frame);
        }
        return null;
    }

    protected static List<Frame> receiveAll(Channel channel, int count) throws IOException {
        List<Frame> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(channel.receive());
        }
        return frames;
    }
}
