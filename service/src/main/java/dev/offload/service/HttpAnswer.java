package dev.offload.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Encodes an HTTP/1.1 answer straight into one buffer: status line, Content-Type, Content-Length,
 * Date, Connection when needed, any extra headers, the body. Every answer has a length, none is
 * chunked, so no header object is built per answer. Stateless; any thread.
 */
final class HttpAnswer {
    static final byte[] JSON = ascii("application/json");
    static final byte[] BYTES = ascii("application/octet-stream");
    /** Prometheus' text exposition format, as {@code GET /metrics} answers it. */
    static final byte[] PROMETHEUS = ascii("text/plain; version=0.0.4; charset=utf-8");
    static final ByteBuf CONTINUE = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(ascii("HTTP/1.1 100 Continue\r\n\r\n")).asReadOnly());

    /** Bodies larger than this are not copied next to the headers but written after them. */
    private static final int COPY_LIMIT = 64 * 1024;
    private static final byte[][] STATUS_LINES = statusLines();
    private static final byte[] CONTENT_TYPE = ascii("Content-Type: ");
    private static final byte[] CONTENT_LENGTH = ascii("\r\nContent-Length: ");
    private static final byte[] DATE = ascii("\r\nDate: ");
    private static final byte[] CLOSE = ascii("\r\nConnection: close");
    private static final byte[] KEEP_ALIVE = ascii("\r\nConnection: keep-alive");
    private static final byte[] CRLF = ascii("\r\n");
    /**
     * HTTP's IMF-fixdate (RFC 9110, 5.6.7): a two-digit day, always GMT. Not the JDK's
     * RFC_1123_DATE_TIME, which writes the 1st of a month as "1", not "01".
     */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** One formatted Date per second; racing threads may both format it, and either result is right. */
    private static volatile Stamp date = new Stamp(0, new byte[0]);

    private record Stamp(long second, byte[] text) {
    }

    private HttpAnswer() {
    }

    /**
     * @param close     announce {@code Connection: close}
     * @param http10    the request was HTTP/1.0 with keep-alive: announce {@code Connection: keep-alive}
     * @param head      the request was HEAD: the length of the body but not the body
     */
    static ByteBuf encode(ByteBufAllocator alloc, int status, byte[] contentType, byte[] body, Map<String, String> headers,
                          boolean close, boolean http10, boolean head) {
        byte[] line = STATUS_LINES[status];
        byte[] now = date();
        int extra = 0;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            extra += h.getKey().length() + h.getValue().length() + 4;
        }
        boolean copy = !head && body.length <= COPY_LIMIT;
        int size = line.length + CONTENT_TYPE.length + contentType.length + CONTENT_LENGTH.length + 10 + DATE.length
                + now.length + KEEP_ALIVE.length + extra + 2 * CRLF.length + (copy ? body.length : 0);
        ByteBuf buf = alloc.buffer(size);
        buf.writeBytes(line).writeBytes(CONTENT_TYPE).writeBytes(contentType).writeBytes(CONTENT_LENGTH);
        writeDecimal(buf, body.length);
        buf.writeBytes(DATE).writeBytes(now);
        if (close) {
            buf.writeBytes(CLOSE);
        } else if (http10) {
            buf.writeBytes(KEEP_ALIVE);
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            buf.writeBytes(CRLF);
            buf.writeCharSequence(h.getKey(), StandardCharsets.US_ASCII);
            buf.writeByte(':').writeByte(' ');
            buf.writeCharSequence(h.getValue(), StandardCharsets.US_ASCII);
        }
        buf.writeBytes(CRLF).writeBytes(CRLF);
        if (copy) {
            return buf.writeBytes(body);
        }
        return head ? buf : Unpooled.wrappedBuffer(buf, Unpooled.wrappedBuffer(body));
    }

    private static void writeDecimal(ByteBuf buf, int value) {
        if (value >= 10) {
            writeDecimal(buf, value / 10);
        }
        buf.writeByte('0' + value % 10);
    }

    /** The Date header's value for a time in seconds since the epoch. */
    static String httpDate(long epochSecond) {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
    }

    private static byte[] date() {
        long second = System.currentTimeMillis() / 1000;
        Stamp stamp = date;
        if (stamp.second != second) {
            stamp = new Stamp(second, ascii(httpDate(second)));
            date = stamp;
        }
        return stamp.text;
    }

    private static byte[][] statusLines() {
        byte[][] lines = new byte[600][];
        for (int code = 100; code < lines.length; code++) {
            lines[code] = ascii("HTTP/1.1 " + code + " " + HttpResponseStatus.valueOf(code).reasonPhrase() + "\r\n");
        }
        return lines;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
