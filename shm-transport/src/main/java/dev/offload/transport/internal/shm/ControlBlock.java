package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelException;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static dev.offload.transport.internal.shm.ControlBlockDescriptor.FILE_SIZE;
import static dev.offload.transport.internal.shm.ControlBlockDescriptor.LENGTH;
import static dev.offload.transport.internal.shm.ControlBlockDescriptor.LENGTH_OFFSET;
import static dev.offload.transport.internal.shm.ControlBlockDescriptor.MAGIC;
import static dev.offload.transport.internal.shm.ControlBlockDescriptor.MAGIC_OFFSET;
import static dev.offload.transport.internal.shm.ControlBlockDescriptor.VERSION;
import static dev.offload.transport.internal.shm.ControlBlockDescriptor.VERSION_OFFSET;

/**
 * The mapped control block shared by the parent and one worker: per direction, the reader's
 * "I am going to sleep" flag and a few slow-path counters. Layout in {@link ControlBlockDescriptor}.
 *
 * <p>Every access goes through a byte-buffer view VarHandle, so the flag's volatile reads and CASes
 * are real cross-process atomics on the shared page (a MappedByteBuffer is direct; the offsets are
 * naturally aligned because the mapping starts on a page).
 *
 * <p>Thread-safe. Counters are updated with atomic adds: they change only on slow paths.
 */
final class ControlBlock {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** Set in the jobs-claimed count by a withdrawal the worker has not yet seen. */
    private static final long WITHDRAWN = 1L << 62;

    private final MappedByteBuffer buffer;
    private final Path file;

    private ControlBlock(MappedByteBuffer buffer, Path file) {
        this.buffer = buffer;
        this.file = file;
    }

    /** Creates and initialises the block; fails if the file exists. */
    static void create(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_SIZE);
            INT.setVolatile(buf, VERSION_OFFSET, VERSION);
            INT.setVolatile(buf, LENGTH_OFFSET, LENGTH);
            // Magic last: a block with the magic is a complete block.
            INT.setVolatile(buf, MAGIC_OFFSET, MAGIC);
        }
    }

    /** Maps an existing block, checking that it is one of ours. */
    static ControlBlock open(Path file) throws IOException {
        MappedByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() < FILE_SIZE) {
                throw new ChannelException(file + " is not an Offload control block (" + ch.size()
                        + " bytes, expected " + FILE_SIZE + ")");
            }
            buf = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_SIZE);
        } catch (NoSuchFileException e) {
            throw new ChannelException("control block " + file + " does not exist: was ShmChannel.prepare("
                    + file.getParent() + ") called, and is the pool's shm directory still there?", e);
        }
        int magic = (int) INT.getVolatile(buf, MAGIC_OFFSET);
        int version = (int) INT.getVolatile(buf, VERSION_OFFSET);
        if (magic != MAGIC) {
            throw new ChannelException(String.format("%s is not an Offload control block (magic 0x%08x)", file, magic));
        }
        if (version != VERSION) {
            throw new ChannelException(file + " has control block layout " + version + ", this build reads "
                    + VERSION + ": parent and worker run different Offload versions?");
        }
        // The FileChannel is closed; the mapping stays valid until the buffer is collected. We never
        // unmap by hand: a late access from a racing thread must read stale memory, not crash the JVM.
        return new ControlBlock(buf, file);
    }

    /**
     * Reader: says "I am about to block on the doorbell". Sequentially consistent (a CAS), so the
     * reader's following re-check of the queue cannot be reordered before it. Returns false when the
     * flag was already set: left over from a wake-up the writer did not claim; still in force.
     */
    boolean announceSleep(Direction d) {
        return INT.compareAndSet(buffer, ControlBlockDescriptor.sleepingOffset(d), 0, 1);
    }

    /**
     * Reader: takes its flag back after the re-check found a frame. False when the writer cleared it
     * first, in which case a ring byte is on its way and will cause one harmless spurious wake-up.
     */
    boolean cancelSleep(Direction d) {
        return INT.compareAndSet(buffer, ControlBlockDescriptor.sleepingOffset(d), 1, 0);
    }

    /** True while the reader of {@code d} has announced that it sleeps (or is about to). */
    boolean isSleeping(Direction d) {
        return (int) INT.getVolatile(buffer, ControlBlockDescriptor.sleepingOffset(d)) == 1;
    }

    /**
     * Writer, after appending and a full fence: true when the reader said it sleeps and this call
     * won the right to ring it (exactly one ring per announced sleep).
     */
    boolean claimSleeper(Direction d) {
        // The plain volatile read first: the common case (reader awake) costs no CAS and leaves the
        // cache line shared instead of pulling it exclusive on every send.
        return isSleeping(d) && INT.compareAndSet(buffer, ControlBlockDescriptor.sleepingOffset(d), 1, 0);
    }

    void countSleep(Direction d) {
        LONG.getAndAdd(buffer, ControlBlockDescriptor.sleepsOffset(d), 1L);
    }

    void countWakeup(Direction d) {
        LONG.getAndAdd(buffer, ControlBlockDescriptor.wakeupsOffset(d), 1L);
    }

    void countSpuriousWakeup(Direction d) {
        LONG.getAndAdd(buffer, ControlBlockDescriptor.spuriousWakeupsOffset(d), 1L);
    }

    void countRing(Direction d) {
        LONG.getAndAdd(buffer, ControlBlockDescriptor.ringsOffset(d), 1L);
    }

    /** Reader of {@code d}: the arena space up to {@code end} may be reused (a release store: our copy-out comes first). */
    void releaseArena(Direction d, long end) {
        LONG.setRelease(buffer, ControlBlockDescriptor.arenaReleasedOffset(d), end);
    }

    /** Writer of {@code d}: how far the reader has released the arena. */
    long arenaReleased(Direction d) {
        return (long) LONG.getAcquire(buffer, ControlBlockDescriptor.arenaReleasedOffset(d));
    }

    /** Worker's main thread: it starts this job now (release stores: nobody reads them before the worker dies). */
    void recordJobStart(long jobId, int attempt) {
        INT.setRelease(buffer, ControlBlockDescriptor.ATTEMPT_STARTED_OFFSET, attempt);
        LONG.setRelease(buffer, ControlBlockDescriptor.JOB_STARTED_OFFSET, jobId);
    }

    /**
     * Worker's main thread: claims its {@code n}-th JOB frame (counting from 1, every one it read);
     * false when the parent withdrew it first ({@link #withdraw}): then {@link #withdrawnThrough}
     * says how far the withdrawal goes, and {@link #withdrawalSeen} ends it.
     */
    boolean claimJob(long n) {
        return LONG.compareAndSet(buffer, ControlBlockDescriptor.JOBS_CLAIMED_OFFSET, n - 1, n);
    }

    long withdrawnThrough() {
        return (long) LONG.getAcquire(buffer, ControlBlockDescriptor.WITHDRAWN_THROUGH_OFFSET);
    }

    /** Worker: it will skip every frame up to {@code through}; the parent may withdraw later ones again. */
    void withdrawalSeen(long through) {
        LONG.setVolatile(buffer, ControlBlockDescriptor.JOBS_CLAIMED_OFFSET, through);
    }

    /** Parent: how many JOB frames the worker has claimed; -1 while a withdrawal is not yet seen. */
    long jobsClaimed() {
        long claimed = (long) LONG.getVolatile(buffer, ControlBlockDescriptor.JOBS_CLAIMED_OFFSET);
        return (claimed & WITHDRAWN) != 0 ? -1 : claimed;
    }

    /**
     * Parent: keeps the worker from starting its frames {@code claimed + 1} to {@code through}.
     * True when it will start none of them: the count was still {@code claimed}, so its next claim
     * fails. The bound is written first and the CAS publishes it; it is written only while no
     * withdrawal is pending (only the parent sets the mark), so the worker never reads it mid-change.
     */
    boolean withdraw(long claimed, long through) {
        if ((long) LONG.getVolatile(buffer, ControlBlockDescriptor.JOBS_CLAIMED_OFFSET) != claimed) {
            return false; // claimed another, or a withdrawal is pending
        }
        LONG.setRelease(buffer, ControlBlockDescriptor.WITHDRAWN_THROUGH_OFFSET, through);
        return LONG.compareAndSet(buffer, ControlBlockDescriptor.JOBS_CLAIMED_OFFSET, claimed, claimed | WITHDRAWN);
    }

    /** The job id and attempt the worker recorded starting last; {0, 0} if none. */
    long[] lastJobStarted() {
        return new long[] {(long) LONG.getAcquire(buffer, ControlBlockDescriptor.JOB_STARTED_OFFSET),
                (int) INT.getAcquire(buffer, ControlBlockDescriptor.ATTEMPT_STARTED_OFFSET)};
    }

    DoorbellCounters counters(Direction d) {
        return new DoorbellCounters(
                (long) LONG.getVolatile(buffer, ControlBlockDescriptor.sleepsOffset(d)),
                (long) LONG.getVolatile(buffer, ControlBlockDescriptor.wakeupsOffset(d)),
                (long) LONG.getVolatile(buffer, ControlBlockDescriptor.spuriousWakeupsOffset(d)),
                (long) LONG.getVolatile(buffer, ControlBlockDescriptor.ringsOffset(d)));
    }

    @Override
    public String toString() {
        return "ControlBlock[" + file + "]";
    }
}
