package dev.offload.service;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP front door's event-loop threads, {@code offload-http-io-1} and on: they accept, read,
 * decode, submit and write, and never wait. Epoll where the machine has it, else NIO.
 */
final class EventLoops implements AutoCloseable {
    static final String THREAD_PREFIX = "offload-http-io-";

    private final MultiThreadIoEventLoopGroup group;
    private final boolean epoll;
    private boolean closed;

    EventLoops(int threads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, threads(), io);
    }

    MultiThreadIoEventLoopGroup group() {
        return group;
    }

    Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** "epoll" or "nio". */
    String kind() {
        return epoll ? "epoll" : "nio";
    }

    /** Stops the loops once their queued tasks ran; waits at most a few seconds. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** FastThreadLocalThreads: Netty's pooled buffers are fastest there, and BlockHound knows them as non-blocking. */
    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new FastThreadLocalThread(task, THREAD_PREFIX + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
