package dev.offload.transport.internal.shm;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker's claim on its directory inside the pool's shm directory, so that shared memory does not
 * outlive a pool whose owner died without closing it (kill -9): each worker then deletes its own
 * directory as it exits, and the last one deletes the pool's.
 *
 * <p>The claim is a lock on {@code <workerDir>/alive}, held for the worker's whole life; the kernel
 * drops it when the process ends, however it ends. "Am I the last?" is asked under a second lock,
 * on {@code <poolDir>/cleanup}, so that two workers going at once cannot each see the other still
 * there: whoever comes second sees the first gone. A worker directory with no lock held is a dead
 * worker's and goes too. Worker side only, one per worker JVM; the methods may race with each
 * other (the parent watchdog and the main thread) and only the first one acts.
 */
public final class WorkerClaim {
    static final String ALIVE_FILE = "alive";
    static final String CLEANUP_FILE = "cleanup";

    private final Path workerDir;
    private final FileChannel channel;
    private final AtomicBoolean released = new AtomicBoolean();

    private WorkerClaim(Path workerDir, FileChannel channel) {
        this.workerDir = workerDir;
        this.channel = channel;
    }

    /**
     * Parent, for a worker that runs over pipes in a shm pool (a stand-in): makes an empty
     * {@code workerDir} (0700) for it to claim. Touches no Chronicle class.
     */
    public static void prepareDirectory(Path workerDir) throws IOException {
        ShmFiles.recreateDirectory(workerDir);
    }

    /** Claims {@code workerDir} (made by the parent's {@link ShmChannel#prepare} or {@link #prepareDirectory}) for this process's life. */
    public static WorkerClaim claim(Path workerDir) throws IOException {
        FileChannel channel = FileChannel.open(workerDir.resolve(ALIVE_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() == null) {
                throw new IOException(workerDir + " is claimed by another live worker");
            }
            return new WorkerClaim(workerDir, channel); // the lock lives as long as the channel: this JVM
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The pool's owner {@code ownerPid} is gone: deletes this worker's directory, and the pool's
     * directory when no other live worker is left in it. Only ever touches a directory named
     * {@code offload-<ownerPid>-*}. Quiet: whatever it cannot delete the next pool start sweeps.
     *
     * @return true when it deleted the pool's directory
     */
    public boolean releaseAfterOwnerDied(long ownerPid) {
        Path poolDir = workerDir.getParent();
        if (!released.compareAndSet(false, true) || !ShmDirectory.isPoolDirectoryOf(poolDir, ownerPid)) {
            return false;
        }
        try (FileChannel cleanup = FileChannel.open(poolDir.resolve(CLEANUP_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            cleanup.lock(); // released when the channel closes
            ShmFiles.deleteRecursively(workerDir);
            channel.close();
            if (anotherWorkerLives(poolDir)) {
                return false;
            }
            ShmFiles.deleteRecursively(poolDir);
            return true;
        } catch (NoSuchFileException gone) {
            return false; // the last worker has deleted it already
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Deletes the directories of dead workers on the way; true at the first one whose worker lives. */
    private static boolean anotherWorkerLives(Path poolDir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(poolDir)) {
            for (Path dir : entries) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (isClaimed(dir)) {
                    return true;
                }
                ShmFiles.deleteRecursively(dir);
            }
        }
        return false;
    }

    private static boolean isClaimed(Path workerDir) {
        Path alive = workerDir.resolve(ALIVE_FILE);
        if (!Files.exists(alive, LinkOption.NOFOLLOW_LINKS)) {
            return false; // never claimed: its worker died starting (or is about to find its parent gone)
        }
        try (FileChannel channel = FileChannel.open(alive, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException thisJvm) {
            return true; // only in tests, where "workers" share a JVM
        } catch (IOException e) {
            return false;
        }
    }
}
