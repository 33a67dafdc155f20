package dev.offload.netty;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SelectableChannel;

/**
 * The epoll transport's watch on a JDK channel: its file descriptor, borrowed (never closed here),
 * in the loop's epoll set, level-triggered for input. Loaded only when an epoll loop is given, so
 * the epoll classes stay optional.
 */
final class EpollWatch implements EpollIoHandle {
    private final Borrowed fd;
    private final Runnable onReadable;

    EpollWatch(SelectableChannel channel, Runnable onReadable) {
        this.fd = new Borrowed(fdOf(channel));
        this.onReadable = onReadable;
    }

    static boolean available() {
        try {
            Class.forName("io.netty.channel.epoll.EpollIoHandle", false, EpollWatch.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static boolean compatible(IoEventLoop loop) {
        return loop.isCompatible(EpollWatch.class);
    }

    static IoOps readOps() {
        return EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLRDHUP);
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        onReadable.run();
    }

    /**
     * After the watch was cancelled: from now on Netty takes the number for closed and never
     * removes it from its epoll set itself, so a number the pool's channel gave back and another
     * file reused is never touched.
     */
    void forget() {
        fd.forget();
    }

    @Override
    public void close() {
        // the channel is the pool's: it closes it, after cancelling the watch
    }

    private static int fdOf(SelectableChannel channel) {
        try {
            Method getFdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return (int) getFdVal.invoke(channel);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | ClassCastException
                | IllegalArgumentException e) {
            throw new IllegalStateException("cannot learn the file descriptor of " + channel
                    + " for an epoll loop (start the JVM with --add-exports=java.base/sun.nio.ch=ALL-UNNAMED): " + e, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot learn the file descriptor of " + channel + ": " + e.getCause(), e.getCause());
        }
    }

    /** A descriptor Netty may poll but must never close. */
    private static final class Borrowed extends FileDescriptor {
        Borrowed(int fd) {
            super(fd);
        }

        void forget() {
            markClosed();
        }

        @Override
        public void close() {
            forget();
        }
    }
}
