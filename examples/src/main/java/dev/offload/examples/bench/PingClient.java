package dev.offload.examples.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends {@code GET /ping} over one keep-alive HTTP/1.1 connection at a fixed pace and records how
 * long each answer took. Single-threaded: the thread that calls {@link #measure} owns it.
 */
final class PingClient implements AutoCloseable {
    private static final byte[] REQUEST = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    PingClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Pings every {@code intervalNanos} for {@code seconds}. A ping's latency counts from when it
     * was due, not from when it was sent, so a stalled server is charged for the pings it delayed
     * too (no coordinated omission).
     */
    Histogram measure(double seconds, long intervalNanos) throws IOException {
        Histogram nanos = Report.nanosHistogram();
        long start = System.nanoTime();
        long count = (long) (seconds * 1e9 / intervalNanos);
        for (long i = 0; i < count; i++) {
            long due = start + i * intervalNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            ping();
            nanos.recordValue(System.nanoTime() - due);
        }
        return nanos;
    }

    private void ping() throws IOException {
        out.write(REQUEST);
        out.flush();
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("GET /ping answered " + status);
        }
        int length = -1;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        if (length < 0 || in.readNBytes(length).length != length) {
            throw new IOException("GET /ping: no or short body (content-length " + length + ")");
        }
    }

    private String readLine() throws IOException {
        var line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the server closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
