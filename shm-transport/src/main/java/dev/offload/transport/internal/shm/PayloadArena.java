package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelException;
import dev.offload.transport.internal.CorruptFrameException;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One direction's shared region for payloads too large to go through the queue: a fixed, mapped
 * file whose pages are reused job after job, so a large payload costs two copies (in, out) and no
 * page faults once the pages have been touched. The queue carries a small reference instead.
 *
 * <p>Space is handed out like a ring by the single writer and given back in order by the single
 * reader, who publishes how far it has copied out ({@link ControlBlock#releaseArena}). When the
 * reader has given everything back, the writer starts again at offset 0: a caller that sends one
 * large payload at a time keeps using the same, cache-warm pages.
 *
 * <p>Threading: {@link #place} and {@link #end} belong to the writer (the channel's send lock);
 * {@link #copyOut} to the reader (its read lock); {@link #close} runs under both.
 */
final class PayloadArena implements AutoCloseable {
    static final String SUFFIX = ".arena";
    /**
     * Payloads up to this size go inline through the queue; larger ones through the arena. Small,
     * because every queue byte is a fresh tmpfs byte kept until its cycle file is deleted (a minute
     * or two): at 2,000 jobs/s of 1 KiB inline, a pool held about 390 MB of queue files; through
     * the arena the same jobs reuse the same pages.
     */
    static final int INLINE_MAX_BYTES = 256;
    private static final int MIN_CAPACITY = 1 << 20;
    private static final int PAGE = 4096;

    private final Path file;
    private final MappedByteBuffer buffer;
    private final int capacity;
    /** Writer-owned: bytes handed out so far, padding included; the reader releases up to such values. */
    private long written;
    /** Writer-owned: where the next payload goes. */
    private int head;

    private PayloadArena(Path file, MappedByteBuffer buffer, int capacity) {
        this.file = file;
        this.buffer = buffer;
        this.capacity = capacity;
    }

    /** Room for one frame of {@code maxFrameBytes} however the ring is placed, rounded to pages. */
    static int capacityFor(long maxFrameBytes) {
        long bytes = Math.max(MIN_CAPACITY, maxFrameBytes + 64 * 1024);
        return (int) ((bytes + PAGE - 1) / PAGE * PAGE);
    }

    /** Creates the file, sparse: tmpfs spends memory only on the pages payloads touch. */
    static void create(Path file, long maxFrameBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.truncate(0);
            ch.write(ByteBuffer.allocate(1), capacityFor(maxFrameBytes) - 1L);
        }
    }

    static PayloadArena open(Path file, long maxFrameBytes) throws IOException {
        int capacity = capacityFor(maxFrameBytes);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() != capacity) {
                throw new ChannelException(file + " holds " + ch.size() + " bytes, expected an arena of " + capacity
                        + ": parent and worker disagree on transport.maxFrameBytes?");
            }
            return new PayloadArena(file, ch.map(FileChannel.MapMode.READ_WRITE, 0, capacity), capacity);
        } catch (NoSuchFileException e) {
            throw new ChannelException("payload arena " + file + " does not exist: was ShmChannel.prepare("
                    + file.getParent() + ") called?", e);
        }
    }

    /**
     * Writer: copies {@code payload} into free space and returns its offset, or -1 when the reader
     * has not yet released enough (nothing is written then). {@code released} is the reader's
     * latest {@link ControlBlock#arenaReleased}; after a success {@link #end} is what the reader
     * must release once it has copied the payload out.
     */
    int place(byte[] payload, long released) {
        int length = payload.length;
        if (written == released) {
            head = 0; // everything was given back: reuse the first pages, warm in every cache
        }
        long free = capacity - (written - released);
        int offset = head;
        long needed = length;
        if ((long) head + length > capacity) {
            offset = 0;
            needed += capacity - head; // the tail of the ring is skipped, and released with this payload
        }
        if (needed > free) {
            return -1;
        }
        buffer.put(offset, payload, 0, length);
        written += needed;
        head = offset + length;
        return offset;
    }

    long end() {
        return written;
    }

    /** Reader: a copy of {@code length} bytes at {@code offset}, checked against the mapping first. */
    byte[] copyOut(int offset, int length, String source) throws CorruptFrameException {
        if (offset < 0 || length < 0 || (long) offset + length > capacity) {
            throw new CorruptFrameException(source + ": a frame refers to " + length + " arena bytes at " + offset
                    + ", outside the " + capacity + "-byte arena");
        }
        byte[] payload = new byte[length];
        buffer.get(offset, payload, 0, length);
        return payload;
    }

    /** Unmaps now rather than at some later GC: tmpfs frees a deleted file's pages only when unmapped. */
    @Override
    public void close() {
        Unmapper.unmap(buffer);
    }

    @Override
    public String toString() {
        return "PayloadArena[" + file + ", " + capacity + " bytes]";
    }

    /**
     * Frees a mapping through {@code sun.misc.Unsafe.invokeCleaner} (jdk.unsupported, exported to
     * everyone). Only safe when no thread can touch the buffer again, which the channel's locks
     * ensure; if the method is missing, the mapping goes with the buffer's garbage collection.
     */
    private static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            Object unsafe = null;
            Method cleaner = null;
            try {
                Class<?> type = Class.forName("sun.misc.Unsafe");
                Field field = type.getDeclaredField("theUnsafe");
                field.setAccessible(true);
                unsafe = field.get(null);
                cleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to the garbage collector
            }
            UNSAFE = unsafe;
            INVOKE_CLEANER = cleaner;
        }

        static void unmap(MappedByteBuffer buffer) {
            if (INVOKE_CLEANER == null) {
                return;
            }
            try {
                INVOKE_CLEANER.invoke(UNSAFE, buffer);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to the garbage collector
            }
        }
    }
}
