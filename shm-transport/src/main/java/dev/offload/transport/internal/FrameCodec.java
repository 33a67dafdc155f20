package dev.offload.transport.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The wire form of a {@link Frame}, shared by every transport. Big-endian:
 *
 * <pre>
 *  0  int   length of the rest of the frame (26 + handler + payload)
 *  4  short magic 0x0FF1
 *  6  byte  version (1)
 *  7  byte  type code
 *  8  int   flags
 * 12  long  job id
 * 20  int   attempt
 * 24  short handler length (bytes of UTF-8), or 0xFFFF: the handler of the frame before
 * 26  int   payload length
 * 30  handler bytes, then payload bytes
 * </pre>
 *
 * Every length is checked against the limits before anything is allocated, so a corrupt or hostile
 * header cannot make the reader allocate more than {@code maxFrameBytes}.
 *
 * <p>The shm transport keeps large payloads out of its queue, in a reused shared region: such a
 * frame carries magic {@code 0x0FF2}, the real payload length in the header, and in place of the
 * payload a {@value #ARENA_REF_BYTES}-byte reference {@code (int offset, int length, long end)}.
 */
public final class FrameCodec {
    public static final int HEADER_BYTES = 30;
    /**
     * Handler length of a frame that names no handler but repeats that of the last frame before it
     * in the same channel that named one. A pool sends one handler's jobs again and again, and a
     * class name is often half a small job's frame; the shm transport writes it once a run of
     * them (every byte of its queue lands on a fresh page of tmpfs, which costs a page fault and a
     * zeroing per 4 KiB). The pipe transport always sends the name.
     */
    static final int REPEATED_HANDLER = 0xFFFF;
    static final short MAGIC = 0x0FF1;
    static final short ARENA_MAGIC = 0x0FF2;
    /** Bytes of the reference an arena frame carries instead of its payload. */
    public static final int ARENA_REF_BYTES = 16;
    static final byte VERSION = 1;
    private static final int AFTER_PREFIX = HEADER_BYTES - 4;

    private FrameCodec() {
    }

    /**
     * The last handler name encoded, with its bytes: a pool sends the same few names over and over,
     * so most sends skip the encoding. Racy by design and safe: the record is immutable (final
     * fields), and a thread that sees an older one merely encodes again. The bytes are never written.
     */
    private static HandlerName lastHandler = new HandlerName("", new byte[0]);

    /**
     * The last handler name decoded, with its bytes: the reading side's twin of {@link #lastHandler}.
     * A worker that gets the same name frame after frame reuses one {@code String}, whose hash the
     * handler lookup has already computed, instead of decoding and hashing a new one per job. Racy
     * and safe for the same reasons; the bytes are a frame's own copy, never written after.
     */
    private static HandlerName lastDecoded = new HandlerName("", new byte[0]);

    private record HandlerName(String name, byte[] bytes) {
    }

    /** The handler name that {@code bytes} encode ("" for none, as answers have). */
    static String handlerName(byte[] bytes) {
        if (bytes.length == 0) {
            return "";
        }
        HandlerName last = lastDecoded;
        if (Arrays.equals(last.bytes, bytes)) {
            return last.name;
        }
        String name = new String(bytes, StandardCharsets.UTF_8);
        lastDecoded = new HandlerName(name, bytes);
        return name;
    }

    /** Refuses a frame that is over the limit, before anything is written; returns the handler name's bytes. */
    public static byte[] checkSendable(Frame frame, long maxFrameBytes) throws FrameTooLargeException {
        if (frame.payload().length > maxFrameBytes) {
            throw new FrameTooLargeException(frame.payload().length, maxFrameBytes);
        }
        HandlerName last = lastHandler;
        if (last.name.equals(frame.handler())) {
            return last.bytes;
        }
        byte[] handler = frame.handler().getBytes(StandardCharsets.UTF_8);
        if (handler.length > ChannelOptions.MAX_HANDLER_BYTES) {
            throw new IllegalArgumentException("handler name of " + handler.length + " bytes is over the "
                    + ChannelOptions.MAX_HANDLER_BYTES + "-byte limit: " + frame.handler().substring(0, 80) + "…");
        }
        lastHandler = new HandlerName(frame.handler(), handler);
        return handler;
    }

    /** Bytes the encoded frame occupies. */
    public static int encodedLength(Frame frame, byte[] handlerBytes) {
        return HEADER_BYTES + handlerBytes.length + frame.payload().length;
    }

    /** Writes the header into {@code buf} at its position, advancing it. */
    public static void writeHeader(Frame frame, byte[] handlerBytes, ByteBuffer buf) {
        writeHeader(frame, handlerBytes, buf, MAGIC, frame.payload().length);
    }

    /** {@code bodyBytes}: what follows the handler name, the payload or an arena reference. */
    private static void writeHeader(Frame frame, byte[] handlerBytes, ByteBuffer buf, short magic, int bodyBytes) {
        writeHeader(frame, handlerBytes.length, handlerBytes.length, buf, magic, bodyBytes);
    }

    /** {@code handlerField}: the handler length as written, {@link #REPEATED_HANDLER} for none. */
    private static void writeHeader(Frame frame, int handlerBytes, int handlerField, ByteBuffer buf, short magic,
                                    int bodyBytes) {
        buf.putInt(AFTER_PREFIX + handlerBytes + bodyBytes)
                .putShort(magic)
                .put(VERSION)
                .put(frame.type().code())
                .putInt(frame.flags())
                .putLong(frame.jobId())
                .putInt(frame.attempt())
                .putShort((short) handlerField)
                .putInt(frame.payload().length);
    }

    /**
     * Writes the header and handler of a frame whose payload lies in a shared arena, then the
     * reference to it: {@code offset} and {@code end} are the arena's own bookkeeping, returned as
     * they were by {@link Header#arenaOffset()} and {@link Header#arenaEnd()}.
     */
    public static void encodeArenaFrame(Frame frame, byte[] handlerBytes, int offset, long end, ByteBuffer buf) {
        writeHeader(frame, handlerBytes, buf, ARENA_MAGIC, ARENA_REF_BYTES);
        buf.put(handlerBytes)
                .putInt(offset)
                .putInt(frame.payload().length)
                .putLong(end);
    }

    /** Bytes an arena frame occupies in the queue. */
    public static int encodedArenaLength(byte[] handlerBytes) {
        return HEADER_BYTES + handlerBytes.length + ARENA_REF_BYTES;
    }

    /** Encodes a whole frame into {@code buf}, which must have {@link #encodedLength} bytes left. */
    public static void encode(Frame frame, byte[] handlerBytes, ByteBuffer buf) {
        writeHeader(frame, handlerBytes, buf);
        buf.put(handlerBytes).put(frame.payload());
    }

    /**
     * Encodes a frame whose handler is that of the last frame before it in the channel that named
     * one, without the name ({@link #REPEATED_HANDLER}); a reader resolves it with {@link #readBody}.
     */
    public static void encodeRepeatingHandler(Frame frame, ByteBuffer buf) {
        writeHeader(frame, 0, REPEATED_HANDLER, buf, MAGIC, frame.payload().length);
        buf.put(frame.payload());
    }

    /** Writes a frame to a stream (header, handler, payload) without flushing. */
    public static void write(Frame frame, byte[] handlerBytes, OutputStream out) throws IOException {
        byte[] header = new byte[HEADER_BYTES];
        writeHeader(frame, handlerBytes, ByteBuffer.wrap(header));
        out.write(header);
        out.write(handlerBytes);
        out.write(frame.payload());
    }

    /**
     * Reads one frame from a stream. A stream that ends before the first byte of a frame is a
     * {@link ChannelClosedException}; one that ends inside a frame is a {@link CorruptFrameException}.
     */
    public static Frame read(InputStream in, long maxFrameBytes, String source) throws IOException {
        byte[] header = new byte[HEADER_BYTES];
        int got = readFully(in, header, 0, HEADER_BYTES);
        if (got == 0) {
            throw new ChannelClosedException(source + ": peer closed the stream");
        }
        if (got < HEADER_BYTES) {
            throw new CorruptFrameException(source + ": stream ended inside a frame header (after "
                    + got + " of " + HEADER_BYTES + " bytes)");
        }
        Header h = parseHeader(ByteBuffer.wrap(header), maxFrameBytes, source);
        if (h.inArena()) {
            throw new CorruptFrameException(source + ": a " + h.type + " frame refers to a shared-memory arena,"
                    + " which a stream does not have");
        }
        if (h.repeatsHandler()) {
            throw new CorruptFrameException(source + ": a " + h.type + " frame repeats the handler of the frame"
                    + " before it, which only a shared-memory queue does");
        }
        byte[] handler = new byte[h.handlerLength];
        byte[] payload = h.payloadLength == 0 ? Frame.NO_PAYLOAD : new byte[h.payloadLength];
        int body = readFully(in, handler, 0, handler.length) + readFully(in, payload, 0, payload.length);
        if (body < handler.length + payload.length) {
            throw new CorruptFrameException(source + ": stream ended inside a " + h.type + " frame (got "
                    + body + " of " + (handler.length + payload.length) + " body bytes)");
        }
        return h.toFrame(handler, payload);
    }

    /** Decodes one frame held whole in {@code buf} from its position; arena frames are refused. */
    public static Frame decode(ByteBuffer buf, long maxFrameBytes, String source) throws CorruptFrameException {
        Header h = readHeader(buf, maxFrameBytes, source);
        if (h.inArena()) {
            throw new CorruptFrameException(source + ": a " + h.type + " frame refers to a shared-memory arena,"
                    + " which this channel does not have");
        }
        return readBody(h, buf, null, source);
    }

    /**
     * Reads a header from {@code buf}'s position, checking every length, and for an arena frame its
     * handler and reference too ({@code buf} is then at the end of the frame). For an ordinary
     * frame, {@link #readBody} reads the rest.
     */
    public static Header readHeader(ByteBuffer buf, long maxFrameBytes, String source) throws CorruptFrameException {
        if (buf.remaining() < HEADER_BYTES) {
            throw new CorruptFrameException(source + ": " + buf.remaining() + " bytes is too short for a frame header ("
                    + HEADER_BYTES + " bytes)");
        }
        Header h = parseHeader(buf, maxFrameBytes, source);
        if (!h.inArena()) {
            return h;
        }
        if (buf.remaining() != h.handlerLength + ARENA_REF_BYTES) {
            throw new CorruptFrameException(source + ": arena " + h.type + " frame holds " + buf.remaining()
                    + " body bytes, expected " + (h.handlerLength + ARENA_REF_BYTES));
        }
        byte[] handler = new byte[h.handlerLength];
        buf.get(handler);
        int offset = buf.getInt();
        int length = buf.getInt();
        long end = buf.getLong();
        if (length != h.payloadLength || offset < 0) {
            throw new CorruptFrameException(source + ": arena " + h.type + " frame refers to " + length + " bytes at "
                    + offset + " but declares a payload of " + h.payloadLength);
        }
        if (h.repeatsHandler) {
            throw new CorruptFrameException(source + ": arena " + h.type + " frame repeats the handler of the frame"
                    + " before it, which only a frame in the queue itself may do");
        }
        return new Header(h.type, h.flags, h.jobId, h.attempt, h.handlerLength, false, h.payloadLength, true,
                handlerName(handler), offset, end);
    }

    /**
     * The rest of an ordinary frame whose header {@link #readHeader} read from the same buffer.
     * {@code previousHandler}: the handler of the last frame before it in the channel that named one,
     * which a frame that {@linkplain Header#repeatsHandler repeats} it gets; null when none did, and
     * such a frame is then corrupt.
     */
    public static Frame readBody(Header h, ByteBuffer buf, String previousHandler, String source)
            throws CorruptFrameException {
        if (buf.remaining() < h.handlerLength + h.payloadLength) {
            throw new CorruptFrameException(source + ": " + h.type + " frame declares "
                    + (h.handlerLength + h.payloadLength) + " body bytes but holds " + buf.remaining());
        }
        byte[] payload = h.payloadLength == 0 ? Frame.NO_PAYLOAD : new byte[h.payloadLength];
        if (h.repeatsHandler) {
            if (previousHandler == null) {
                throw new CorruptFrameException(source + ": " + h.type + " frame " + h.jobId + " repeats the handler"
                        + " of the frame before it, but no frame before it named one");
            }
            buf.get(payload);
            return new Frame(h.type, h.jobId, h.attempt, previousHandler, h.flags, payload);
        }
        byte[] handler = new byte[h.handlerLength];
        buf.get(handler).get(payload);
        return h.toFrame(handler, payload);
    }

    /**
     * Eight bytes as text, when they are all printable ASCII: what a JVM agent or a stray
     * {@code println} wrote where a frame belongs reads better as {@code "Profilin"} than in hex.
     */
    private static String asText(long bytes) {
        StringBuilder text = new StringBuilder(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            int b = (int) (bytes >>> shift) & 0xff;
            if (b < 0x20 || b > 0x7e) {
                return "";
            }
            text.append((char) b);
        }
        return ", as text \"" + text + "\": something else wrote to the channel";
    }

    private static Header parseHeader(ByteBuffer buf, long maxFrameBytes, String source) throws CorruptFrameException {
        int rest = buf.getInt();
        short magic = buf.getShort();
        byte version = buf.get();
        byte code = buf.get();
        boolean inArena = magic == ARENA_MAGIC;
        if (magic != MAGIC && !inArena) {
            long first = buf.getLong(buf.position() - 8); // the eight bytes just read, as they came
            throw new CorruptFrameException(String.format(
                    "%s: garbage on the channel: expected frame magic 0x%04x, got 0x%04x (first bytes %016x%s)",
                    source, MAGIC, magic, first, asText(first)));
        }
        if (version != VERSION) {
            throw new CorruptFrameException(source + ": frame version " + version + " is not supported (expected "
                    + VERSION + "): parent and worker run different Offload versions?");
        }
        FrameType type = FrameType.ofCode(code);
        if (type == null) {
            throw new CorruptFrameException(source + ": unknown frame type code " + code);
        }
        int flags = buf.getInt();
        long jobId = buf.getLong();
        int attempt = buf.getInt();
        int handlerField = Short.toUnsignedInt(buf.getShort());
        boolean repeatsHandler = handlerField == REPEATED_HANDLER;
        int handlerLength = repeatsHandler ? 0 : handlerField;
        int payloadLength = buf.getInt();
        if (handlerLength > ChannelOptions.MAX_HANDLER_BYTES) {
            throw new CorruptFrameException(source + ": " + type + " frame declares a handler name of "
                    + handlerLength + " bytes (limit " + ChannelOptions.MAX_HANDLER_BYTES + ")");
        }
        if (payloadLength < 0 || payloadLength > maxFrameBytes) {
            throw new CorruptFrameException(source + ": " + type + " frame declares a payload of "
                    + Integer.toUnsignedString(payloadLength) + " bytes, over transport.maxFrameBytes ("
                    + maxFrameBytes + ")");
        }
        int body = inArena ? ARENA_REF_BYTES : payloadLength;
        if (rest != AFTER_PREFIX + handlerLength + body) {
            throw new CorruptFrameException(source + ": " + type + " frame length prefix " + rest
                    + " does not match its header (" + (AFTER_PREFIX + handlerLength + body) + ")");
        }
        return new Header(type, flags, jobId, attempt, handlerLength, repeatsHandler, payloadLength, inArena, null,
                0, 0);
    }

    private static int readFully(InputStream in, byte[] buf, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n;
            try {
                n = in.read(buf, off + total, len - total);
            } catch (EOFException e) {
                n = -1;
            }
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * A parsed, checked header. For an arena frame ({@code inArena}) the handler name and the
     * reference are read too: the payload is {@code payloadLength} bytes at {@code arenaOffset}, and
     * {@code arenaEnd} is what the reader hands back to the arena once it has copied them.
     * {@code repeatsHandler}: the frame carries no handler name ({@code handlerLength} 0) but has
     * that of the last frame before it in the channel that named one.
     */
    public record Header(FrameType type, int flags, long jobId, int attempt, int handlerLength, boolean repeatsHandler,
                         int payloadLength, boolean inArena, String handler, int arenaOffset, long arenaEnd) {
        Frame toFrame(byte[] handler, byte[] payload) {
            return new Frame(type, jobId, attempt, handlerName(handler), flags, payload);
        }

        /** The frame of an arena header, with the payload the reader copied out. */
        public Frame toFrame(byte[] payload) {
            return new Frame(type, jobId, attempt, handler, flags, payload);
        }
    }
}
