package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.BooleanSupplier;

/**
 * The parent's listening end of one worker's doorbell: a Unix-domain socket in the worker's private
 * directory (a child started by {@code ProcessBuilder} inherits no descriptor but stdin, stdout and
 * stderr, so the worker connects by path). Bound last, once {@link ShmChannel#prepare} is done: a
 * worker forked meanwhile waits for it to appear ({@link #isListening}). Accepts exactly one
 * connection, then is closed and its file deleted.
 *
 * <p>Used by the one thread that starts the worker; {@link #close} is idempotent.
 */
public final class DoorbellListener implements AutoCloseable {
    static final String SOCKET_FILE = "bell";
    private static final long POLL_MILLIS = 50;

    private final Path file;
    private final ServerSocketChannel server;

    private DoorbellListener(Path file, ServerSocketChannel server) {
        this.file = file;
        this.server = server;
    }

    /** Binds the socket of the worker whose directory {@link ShmChannel#prepare} made. */
    public static DoorbellListener listen(Path workerDir) throws IOException {
        Path file = workerDir.resolve(SOCKET_FILE);
        Path unready = workerDir.resolve(SOCKET_FILE + ".new");
        Files.deleteIfExists(file);
        Files.deleteIfExists(unready);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            // bind(2) makes the file and listen(2) follows: a worker that saw the file in between
            // would be refused. So the socket listens under another name and only then takes the one
            // the worker waits for (a rename keeps the socket's binding).
            server.bind(UnixDomainSocketAddress.of(unready));
            Files.move(unready, file, StandardCopyOption.ATOMIC_MOVE);
            server.configureBlocking(false);
            return new DoorbellListener(file, server);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(unready);
            throw new ChannelException("cannot listen for worker doorbell at " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits for the worker to connect, while {@code stillWaiting} holds (checked every 50 ms: the
     * worker may die or the start time out first). Returns the connection, non-blocking.
     */
    SocketChannel accept(BooleanSupplier stillWaiting) throws IOException {
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (true) {
                SocketChannel socket = server.accept();
                if (socket != null) {
                    socket.configureBlocking(false);
                    return socket;
                }
                if (!stillWaiting.getAsBoolean()) {
                    throw new ChannelException("the worker never connected to its doorbell " + file);
                }
                selector.select(POLL_MILLIS);
                selector.selectedKeys().clear();
            }
        }
    }

    /** The worker's side: whether the parent listens yet, and so has prepared everything in {@code workerDir}. */
    public static boolean isListening(Path workerDir) {
        return Files.exists(workerDir.resolve(SOCKET_FILE));
    }

    /** The worker's side: connects to the parent's listener in {@code workerDir}; blocking. */
    static SocketChannel connect(Path workerDir) throws IOException {
        Path file = workerDir.resolve(SOCKET_FILE);
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            socket.connect(UnixDomainSocketAddress.of(file));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw new ChannelException("cannot connect to the parent's doorbell " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing was accepted through it that depends on it
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // goes with the worker's directory
        }
    }

    @Override
    public String toString() {
        return "DoorbellListener[" + file + "]";
    }
}
