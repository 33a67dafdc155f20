package dev.offload.transport.internal.shm;

/**
 * Layout of the control block, the small shared file next to a worker's queues. All offsets are in
 * bytes from the start of the mapping; ints and longs are native-endian and naturally aligned, so
 * volatile and CAS access through a byte-buffer view VarHandle is atomic.
 *
 * <pre>
 *   0  int  magic ('OFLC')            header line, written once by prepare()
 *   4  int  layout version
 *   8  int  length of the block in bytes
 *
 * then, per direction d (P2W = 0, W2P = 1), four lines starting at 128 + d * 512:
 *   +0    int   reader sleeping flag   both sides: the reader sets 0→1, whoever clears it 1→0
 *   +128  long  sleeps                 reader-owned: times the reader blocked on its doorbell
 *   +136  long  wake-ups               reader-owned: times it woke and found a frame
 *   +144  long  spurious wake-ups      reader-owned: times it woke and found none (stale ring, EOF)
 *   +256  long  rings                  writer-owned: doorbell bytes written
 *   +384  long  arena released         reader-owned: the arena position up to which the reader has
 *                                      copied payloads out (the writer may reuse the space before it)
 *
 * then one line at 128 + 2 * 512:
 *   +0    long  job id                 worker-owned: the job its main thread started last
 *   +8    int   attempt                of that job (read by the parent once the worker is dead, to
 *                                      tell the job it was running from those it had answered)
 *   +16   long  jobs claimed           both sides: how many JOB frames the worker has started or
 *                                      skipped; the worker CASes n-1→n before its n-th, the parent
 *                                      CASes n→n|WITHDRAWN to keep it from starting any it has not
 *   +24   long  withdrawn through      parent-owned: the last JOB frame that withdrawal covers
 * </pre>
 *
 * Each group sits on its own 128-byte line pair: the flag is the only field both processes write
 * on the hot path, and a counter next to it would make every ring or sleep bounce its line between
 * cores (128 rather than 64 bytes because Intel's adjacent-line prefetcher pulls lines in pairs).
 */
final class ControlBlockDescriptor {
    static final int MAGIC = 0x4F464C43; // "OFLC"
    static final int VERSION = 4;

    static final int LINE = 128;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int LENGTH_OFFSET = 8;

    private static final int DIRECTION_BASE = LINE;
    private static final int DIRECTION_STRIDE = 4 * LINE;

    /** The worker's line: the job it started last. */
    static final int JOB_STARTED_OFFSET = DIRECTION_BASE + Direction.values().length * DIRECTION_STRIDE;
    static final int ATTEMPT_STARTED_OFFSET = JOB_STARTED_OFFSET + Long.BYTES;
    /** The worker's count of JOB frames claimed, which the parent may mark withdrawn. */
    static final int JOBS_CLAIMED_OFFSET = JOB_STARTED_OFFSET + 2 * Long.BYTES;
    static final int WITHDRAWN_THROUGH_OFFSET = JOB_STARTED_OFFSET + 3 * Long.BYTES;

    /** Bytes used; the file is one page. */
    static final int LENGTH = JOB_STARTED_OFFSET + LINE;
    static final int FILE_SIZE = 4096;

    private ControlBlockDescriptor() {
    }

    static int sleepingOffset(Direction d) {
        return DIRECTION_BASE + d.ordinal() * DIRECTION_STRIDE;
    }

    static int sleepsOffset(Direction d) {
        return sleepingOffset(d) + LINE;
    }

    static int wakeupsOffset(Direction d) {
        return sleepsOffset(d) + Long.BYTES;
    }

    static int spuriousWakeupsOffset(Direction d) {
        return wakeupsOffset(d) + Long.BYTES;
    }

    static int ringsOffset(Direction d) {
        return sleepingOffset(d) + 2 * LINE;
    }

    static int arenaReleasedOffset(Direction d) {
        return sleepingOffset(d) + 3 * LINE;
    }
}
