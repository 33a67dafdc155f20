package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.ChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pool's private directory under the shm base directory (default {@code /dev/shm}), named
 * {@code offload-<ownerPid>-<random>}, mode 0700, holding one sub-directory per worker.
 * {@link #close()} deletes it; {@link #sweep} deletes the ones whose owning process has died
 * without closing them (kill -9, a crash), so tmpfs memory is not lost until reboot.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class ShmDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShmDirectory.class);

    public static final Path DEFAULT_BASE = Path.of("/dev/shm");
    private static final String PREFIX = "offload-";
    private static final Pattern OWNED_NAME = Pattern.compile("offload-(\\d{1,18})-[0-9a-z]+");
    private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NAME_ATTEMPTS = 16;

    private final Path path;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShmDirectory(Path path) {
        this.path = path;
    }

    /** Creates a new private directory under {@link #DEFAULT_BASE}. */
    public static ShmDirectory create() throws IOException {
        return create(DEFAULT_BASE);
    }

    /**
     * Creates a new private directory under {@code base}. The name is random and the directory is
     * created exclusively, so a name someone else planted (a file, a link) is never adopted.
     */
    public static ShmDirectory create(Path base) throws IOException {
        checkBase(base);
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
            Path dir = base.resolve(PREFIX + pid + "-" + Long.toString(RANDOM.nextLong() >>> 24, 36));
            try {
                ShmFiles.createPrivateDirectory(dir);
                SpinGate.createForPool(dir);
                return new ShmDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // someone has that name; draw another
            } catch (AccessDeniedException e) {
                throw new ChannelException("shm directory " + base + " is not writable by this user"
                        + " (transport.shm.dir): cannot create " + dir.getFileName(), e);
            }
        }
        throw new ChannelException("could not find a free directory name in " + base + " after "
                + NAME_ATTEMPTS + " attempts");
    }

    private static void checkBase(Path base) throws ChannelException {
        if (!Files.exists(base)) {
            throw new ChannelException("shm directory " + base + " does not exist (transport.shm.dir): point it at"
                    + " a writable tmpfs directory such as /dev/shm");
        }
        if (!Files.isDirectory(base)) {
            throw new ChannelException("shm directory " + base + " is not a directory (transport.shm.dir)");
        }
        if (!Files.isWritable(base)) {
            throw new ChannelException("shm directory " + base + " is not writable by this user (transport.shm.dir)");
        }
    }

    public Path path() {
        return path;
    }

    /**
     * Where worker {@code id}'s queues live: a direct child of this directory, created by
     * {@link ShmChannel#prepare}. The id is a short name of letters, digits, '_', '.', '-'.
     */
    public Path workerDir(String id) {
        if (id == null || !WORKER_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("worker id must be 1-64 of [A-Za-z0-9_.-], not starting with"
                    + " '.', '_' or '-' (got " + (id == null ? "null" : "\"" + id + "\"") + ")");
        }
        return path.resolve(id);
    }

    /**
     * Deletes the directory and everything in it, as much as it can, then throws what it could
     * not delete (an {@link UncheckedIOException} naming the directory). Idempotent: a second call
     * does nothing, and the next pool start sweeps what is left once this process has ended.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            SpinGate.forgetPool(path);
        } finally {
            try {
                ShmFiles.deleteRecursively(path);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete shm directory " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** Whether {@code dir} is named as a pool directory of process {@code ownerPid} ({@code offload-<pid>-*}). */
    public static boolean isPoolDirectoryOf(Path dir, long ownerPid) {
        return dir != null && dir.getFileName() != null && ownerPid(dir).filter(pid -> pid == ownerPid).isPresent();
    }

    /**
     * Deletes every {@code offload-<pid>-*} directory under {@code base} whose owning process is no
     * longer alive, and returns how many it deleted. Directories of live processes (this one
     * included) are kept; so is one whose pid was reused by an unrelated process, which errs on
     * the safe side. Pids are those of this machine's (or container's) pid namespace. A directory
     * that cannot be deleted (another user's) is logged and skipped. A missing base counts 0.
     */
    public static int sweep(Path base) throws IOException {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path dir : entries) {
                Optional<Long> owner = ownerPid(dir);
                if (owner.isEmpty() || isAlive(owner.get())) {
                    continue;
                }
                try {
                    ShmFiles.deleteRecursively(dir);
                    removed++;
                } catch (IOException e) {
                    LOG.warn("could not delete {} left by dead process {}: {}", dir, owner.get(), e.toString());
                }
            }
        }
        return removed;
    }

    private static Optional<Long> ownerPid(Path dir) {
        Matcher m = OWNED_NAME.matcher(dir.getFileName().toString());
        if (!m.matches() || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(m.group(1)));
    }

    private static boolean isAlive(long pid) {
        return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public String toString() {
        return "ShmDirectory[" + path + "]";
    }
}
