package dev.offload.transport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An in-memory byte pipe for tests, with the two properties a real process pipe has only one of
 * each in Java: an exact {@link InputStream#available()} (as FileInputStream gets from FIONREAD,
 * but java.nio's pipe streams always answer 0), and a {@code close()} that wakes a blocked reader
 * (as java.nio's pipe streams do, but a FileInputStream on a Linux pipe does not). Unbounded.
 */
public final class MemoryPipe {
    private final Object lock = new Object();
    private byte[] buf = new byte[8192];
    private int head;
    private int tail;
    private boolean writerClosed;
    private boolean readerClosed;

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            synchronized (lock) {
                while (head == tail && !writerClosed && !readerClosed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
                if (readerClosed) {
                    throw new IOException("Stream closed");
                }
                if (head == tail) {
                    return -1;
                }
                int n = Math.min(len, tail - head);
                System.arraycopy(buf, head, b, off, n);
                head += n;
                return n;
            }
        }

        @Override
        public int available() throws IOException {
            synchronized (lock) {
                if (readerClosed) {
                    throw new IOException("Stream closed");
                }
                return tail - head;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                readerClosed = true;
                lock.notifyAll();
            }
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (lock) {
                if (writerClosed || readerClosed) {
                    throw new IOException("Pipe closed");
                }
                if (tail + len > buf.length) {
                    byte[] bigger = new byte[Math.max(buf.length * 2, tail - head + len)];
                    System.arraycopy(buf, head, bigger, 0, tail - head);
                    tail -= head;
                    head = 0;
                    buf = bigger;
                }
                System.arraycopy(b, off, buf, tail, len);
                tail += len;
                lock.notifyAll();
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                writerClosed = true;
                lock.notifyAll();
            }
        }
    };

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }
}
