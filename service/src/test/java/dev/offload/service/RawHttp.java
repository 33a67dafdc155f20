package dev.offload.service;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One raw HTTP/1.1 connection, for what {@code java.net.http} cannot do: pipelined requests,
 * half-sent requests, and watching the server close the connection. Reads wait at most 20 s.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;

    record Answer(int status, Map<String, String> headers, String body) {
        Map<String, Object> json() {
            return Http.jsonObject(body);
        }

        /** A header by its name in any case, or null. */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    RawHttp(String url) throws IOException {
        URI uri = URI.create(url);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** A POST that asks for an asynchronous job ({@code Prefer: respond-async}). */
    static String postAsync(String path, String body) {
        return post(path, body).replaceFirst("\r\n\r\n", "\r\nPrefer: respond-async\r\n\r\n");
    }

    static String delete(String path) {
        return "DELETE " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return this;
    }

    /** The next answer; its body by Content-Length, or none for a HEAD request ({@code head}). */
    Answer read(boolean head) throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("the server closed the connection before answering");
        }
        Map<String, String> headers = new TreeMap<>();
        for (String line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    Answer read() throws IOException {
        return read(false);
    }

    /** True once the server closed its side: end of stream (or a reset) with nothing more to read. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }
}
