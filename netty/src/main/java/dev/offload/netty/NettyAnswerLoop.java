package dev.offload.netty;

import dev.offload.pool.AnswerLoop;
import dev.offload.pool.WorkerPool;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.nio.NioIoHandle;
import io.netty.channel.nio.NioIoOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.SelectableChannel;
import java.util.Objects;

/**
 * A Netty 4.2 event loop as a pool's {@link AnswerLoop}: the workers' wake-ups are registered in
 * the loop's own selector (NIO) or epoll set (the epoll transport), so an answer wakes the loop
 * directly and is read and completed on it, with no thread of the pool's in between.
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
 * EventLoop loop = group.next();
 * try (AnswerLoop.Attachment reading = pool.readAnswersOn(NettyAnswerLoop.of(loop))) {
 *     loop.execute(() -> pool.submit(Resize.class, image, JobOptions.defaults().withExecutor(loop))
 *             .thenAccept(this::reply));   // runs on the loop, woken once
 * }
 * }</pre>
 *
 * A Vert.x 5 context runs on such a loop: {@code ((ContextInternal) context).nettyEventLoop()}.
 * On the epoll transport the JVM needs {@code --add-exports=java.base/sun.nio.ch=ALL-UNNAMED}
 * (among Chronicle's module flags already) to learn a wake-up channel's file descriptor; without
 * it the pool reads on its own thread and says so in a warning. Other transports (io_uring,
 * kqueue) are refused by {@link #of}.
 *
 * <p>Thread-safe.
 */
public final class NettyAnswerLoop implements AnswerLoop {
    private static final Logger LOG = LoggerFactory.getLogger(NettyAnswerLoop.class);

    private final IoEventLoop loop;
    private final boolean nio;

    private NettyAnswerLoop(IoEventLoop loop, boolean nio) {
        this.loop = loop;
        this.nio = nio;
    }

    /**
     * The answer loop of {@code loop}, for {@link WorkerPool#readAnswersOn}.
     *
     * @throws IllegalArgumentException when {@code loop} is not a Netty 4.2 {@link IoEventLoop} of
     *                                  the NIO or the epoll transport
     */
    public static NettyAnswerLoop of(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        if (!(loop instanceof IoEventLoop io)) {
            throw new IllegalArgumentException(loop.getClass().getName() + " is not a Netty 4.2 IoEventLoop: "
                    + "create the loop with a MultiThreadIoEventLoopGroup (NioIoHandler or EpollIoHandler)");
        }
        if (io.isCompatible(NioIoHandle.class)) {
            return new NettyAnswerLoop(io, true);
        }
        if (EpollWatch.available() && EpollWatch.compatible(io)) {
            return new NettyAnswerLoop(io, false);
        }
        throw new IllegalArgumentException(loop + " runs neither the NIO nor the epoll transport: "
                + "an answer loop can watch the pool's wake-ups on those two only");
    }

    @Override
    public boolean inLoop() {
        return loop.inEventLoop();
    }

    @Override
    public boolean isShuttingDown() {
        return loop.isShuttingDown();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public Watch watch(SelectableChannel channel, Runnable onReadable) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(onReadable, "onReadable");
        if (loop.isShuttingDown()) {
            throw new IllegalStateException(loop + " is shutting down");
        }
        if (nio) {
            return new Registered(new NioWatch(channel, onReadable), NioIoOps.READ, () -> { }).start();
        }
        EpollWatch epoll = new EpollWatch(channel, onReadable);
        return new Registered(epoll, EpollWatch.readOps(), epoll::forget).start();
    }

    @Override
    public String toString() {
        return "Netty loop " + loop + (nio ? " (nio)" : " (epoll)");
    }

    /** A handle on its way into the loop, or in it: cancelled at most once, whenever the registration completes. */
    private final class Registered implements Watch {
        private final IoHandle handle;
        private final IoOps readOps;
        /** After the registration is cancelled (the epoll watch forgets its borrowed descriptor). */
        private final Runnable afterCancel;
        private IoRegistration registration; // under this
        private boolean cancelled;           // under this

        Registered(IoHandle handle, IoOps readOps, Runnable afterCancel) {
            this.handle = handle;
            this.readOps = readOps;
            this.afterCancel = afterCancel;
        }

        Registered start() {
            loop.register(handle).addListener(done -> {
                if (!done.isSuccess()) {
                    LOG.warn("{} could not watch a wake-up channel: {}", NettyAnswerLoop.this, String.valueOf(done.cause()));
                    return;
                }
                IoRegistration reg = (IoRegistration) done.getNow();
                synchronized (this) {
                    if (!cancelled) {
                        registration = reg;
                        reg.submit(readOps);
                        return;
                    }
                }
                reg.cancel();
            });
            return this;
        }

        @Override
        public void cancel() {
            IoRegistration reg;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                reg = registration;
            }
            if (reg != null) {
                reg.cancel();
            }
            afterCancel.run();
        }
    }

    /** The NIO transport: the channel itself goes into the loop's selector (it may be in others too). */
    private record NioWatch(SelectableChannel channel, Runnable onReadable) implements NioIoHandle {
        @Override
        public SelectableChannel selectableChannel() {
            return channel;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            onReadable.run();
        }

        @Override
        public void close() {
            // the channel is the pool's: it closes it, after cancelling the watch
        }
    }
}
