package dev.offload.transport.internal.shm;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps how many threads spin at once. A reader that cannot enter goes straight to its
 * doorbell instead of spinning.
 *
 * <p>Why: a spinning thread owns a core. With more spinners than cores the one that should see the
 * next message is descheduled behind the others, and a round trip that takes a microsecond when
 * every spinner has a core takes milliseconds (measured: three spinners on two cores).
 *
 * <p>Two kinds. {@link #SpinGate(int)} counts the threads of one JVM. {@link #forPool(Path)} is
 * shared by every JVM of a pool (the parent and all its workers) through a small mapped file in
 * the pool's directory: the budget is the machine's, one spinner per core, so two idle workers and
 * the parent's reader cannot all spin on two cores. A pool gate has {@code permits} slots, each holding the pid of the
 * process spinning in it; {@link #releaseAll(long)} frees the slots of a process that died inside.
 *
 * <p>Thread-safe. {@link #tryEnter} / {@link #exit} are paired in a {@code try/finally} on one thread.
 */
public final class SpinGate {
    static final String FILE_NAME = "spin.gate";
    private static final SpinGate SHARED =
            new SpinGate(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    private static final int POOL_PERMITS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final Map<Path, SpinGate> POOL_GATES = new ConcurrentHashMap<>();
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /**
     * Slot i holds the spinner's pid at {@code (i + 1) * SLOT_STRIDE}; offset 0 holds the permit
     * count, offset {@link #BUSY_OFFSET} whether the machine's cores are all taken.
     */
    private static final int SLOT_STRIDE = 64;
    private static final int BUSY_OFFSET = 8;
    private static final int FILE_SIZE = 4096;
    private static final int MAX_PERMITS = FILE_SIZE / SLOT_STRIDE - 1;
    private static final long PID = ProcessHandle.current().pid();

    private final int permits;
    private final MappedByteBuffer slots; // null: an in-JVM gate
    private final java.util.concurrent.atomic.AtomicInteger spinning = new java.util.concurrent.atomic.AtomicInteger();
    /** The slot the current thread holds in a pool gate. */
    private final ThreadLocal<int[]> held = ThreadLocal.withInitial(() -> new int[] {-1});
    /** The in-JVM gate's "every core is taken" flag (a pool gate keeps it in the shared file). */
    private volatile boolean busy;

    public SpinGate(int permits) {
        this(permits, null);
    }

    private SpinGate(int permits, MappedByteBuffer slots) {
        if (permits < 0 || permits > MAX_PERMITS) {
            throw new IllegalArgumentException("permits must be in 0.." + MAX_PERMITS + " (got " + permits + ")");
        }
        this.permits = permits;
        this.slots = slots;
    }

    /** The in-JVM gate: {@code max(1, availableProcessors - 1)} spinners. */
    public static SpinGate shared() {
        return SHARED;
    }

    /**
     * Creates the pool-wide gate file in {@code poolDir} with one permit per core. Called by the
     * parent once, before any worker starts.
     *
     * <p>One per core, not one fewer: in a round trip the side that just sent wants to spin for the
     * answer while the other side is still leaving its own spin, so a single permit turns most
     * hand-offs into doorbell sleeps (measured on 2 cores, 1 worker, 50 µs spin: 35,000 of 40,000
     * frames slept with 1 permit, 11,700 with 2; p50 59 µs vs 30 µs).
     */
    public static void createForPool(Path poolDir) throws IOException {
        Path file = poolDir.resolve(FILE_NAME);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_SIZE);
            LONG.setVolatile(buf, 0, (long) POOL_PERMITS);
        }
    }

    /**
     * The gate shared by every JVM of the pool whose directory is {@code poolDir}; falls back to
     * the in-JVM gate when the pool has no gate file (channels opened outside a pool, in tests).
     */
    public static SpinGate forPool(Path poolDir) throws IOException {
        Path file = poolDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return SHARED;
        }
        SpinGate gate = POOL_GATES.get(file);
        if (gate == null) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_SIZE);
                gate = new SpinGate((int) (long) LONG.getVolatile(buf, 0), buf);
            }
            SpinGate raced = POOL_GATES.putIfAbsent(file, gate);
            gate = raced != null ? raced : gate;
        }
        return gate;
    }

    /** Forgets this JVM's handle on a pool gate whose directory is being deleted. */
    public static void forgetPool(Path poolDir) {
        POOL_GATES.remove(poolDir.resolve(FILE_NAME));
    }

    /**
     * Says whether every core of the machine is taken by runnable threads, as last sampled (see
     * {@link RunQueue}). While it is, nobody spins: a spinner would only hold a core some other
     * thread (an event loop, a worker's job, another program) is waiting for, and spinning pays off
     * only while a core would otherwise be idle. Seen by every process of the pool.
     */
    public void markBusy(boolean allCoresTaken) {
        if (slots == null) {
            busy = allCoresTaken;
        } else if (((long) LONG.getVolatile(slots, BUSY_OFFSET) != 0) != allCoresTaken) {
            LONG.setVolatile(slots, BUSY_OFFSET, allCoresTaken ? 1L : 0L);
        }
    }

    /** True while {@link #markBusy} last said every core is taken. */
    public boolean busy() {
        return slots == null ? busy : (long) LONG.getVolatile(slots, BUSY_OFFSET) != 0;
    }

    /** True when the caller may spin; it must then call {@link #exit} when it stops. */
    public boolean tryEnter() {
        if (busy()) {
            return false;
        }
        if (slots == null) {
            while (true) {
                int now = spinning.get();
                if (now >= permits) {
                    return false;
                }
                if (spinning.compareAndSet(now, now + 1)) {
                    return true;
                }
            }
        }
        for (int i = 0; i < permits; i++) {
            if (LONG.compareAndSet(slots, offset(i), 0L, PID)) {
                held.get()[0] = i;
                return true;
            }
        }
        return false;
    }

    public void exit() {
        if (slots == null) {
            spinning.decrementAndGet();
            return;
        }
        int[] mine = held.get();
        LONG.setVolatile(slots, offset(mine[0]), 0L);
        mine[0] = -1;
    }

    /** Frees the slots held by {@code pid}, a process that died while it spun. */
    public void releaseAll(long pid) {
        if (slots != null) {
            for (int i = 0; i < permits; i++) {
                LONG.compareAndSet(slots, offset(i), pid, 0L);
            }
        }
    }

    public int permits() {
        return permits;
    }

    /** Threads spinning now; a snapshot for tests and stats. */
    public int spinning() {
        if (slots == null) {
            return spinning.get();
        }
        int n = 0;
        for (int i = 0; i < permits; i++) {
            n += (long) LONG.getVolatile(slots, offset(i)) != 0 ? 1 : 0;
        }
        return n;
    }

    private static int offset(int slot) {
        return (slot + 1) * SLOT_STRIDE;
    }

    @Override
    public String toString() {
        return "SpinGate[" + spinning() + "/" + permits + (slots == null ? "" : ", pool-wide") + "]";
    }
}
