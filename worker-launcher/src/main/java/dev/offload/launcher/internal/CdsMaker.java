package dev.offload.launcher.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One making of a workers' AppCDS archive, on its own thread, {@code offload-cds}: under a file
 * lock (one JVM at a time per archive), a training worker runs with
 * {@code -XX:ArchiveClassesAtExit=<archive>.<pid>.tmp}, and the file its JVM wrote as it exited
 * is renamed into place only after a clean exit. A training that fails for a reason that will not
 * go away (an exit code without a signal, an exit without an archive) leaves a {@code .failed}
 * note that keeps the archive from being tried again for a day. After publishing, it bounds the
 * cache directory ({@link CdsPruner}).
 */
final class CdsMaker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CdsMaker.class);
    static final Duration RETRY_FAILED_AFTER = Duration.ofDays(1);
    /** How long close() lets a training that is under way finish: the archive is worth a short wait, once. */
    private static final long TRAINING_GRACE_MILLIS = 5_000;

    private final Path archive;
    private final CdsArchive.Trainer trainer;
    private final Runnable published;
    private final Thread thread;

    private CdsMaker(Path archive, CdsArchive.Trainer trainer, Runnable published) {
        this.archive = archive;
        this.trainer = trainer;
        this.published = published;
        this.thread = new Thread(this::make, "offload-cds");
        this.thread.setDaemon(true);
    }

    /** Starts making {@code archive}; {@code published} runs once it is in place. */
    static CdsMaker start(Path archive, CdsArchive.Trainer trainer, Runnable published) {
        CdsMaker maker = new CdsMaker(archive, trainer, published);
        maker.thread.start();
        return maker;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** Whether making {@code archive} failed for good less than a day ago (its {@code .failed} note). */
    static boolean failedRecently(Path archive) {
        Path note = failedNote(archive);
        try {
            if (!Files.exists(note)) {
                return false;
            }
            if (Files.getLastModifiedTime(note).toInstant().isAfter(Instant.now().minus(RETRY_FAILED_AFTER))) {
                return true;
            }
            Files.deleteIfExists(note);
        } catch (IOException e) {
            return true; // cannot tell: do not start a training that may fail again
        }
        return false;
    }

    static Path failedNote(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".failed");
    }

    /** The file a maker holds a lock on while it makes {@code archive}. */
    static Path lockFile(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".lock");
    }

    /** Where the training worker of the JVM {@code pid} writes {@code archive} before it is published. */
    static Path trainingOutput(Path archive, long pid) {
        return archive.resolveSibling(archive.getFileName() + "." + pid + ".tmp");
    }

    private void make() {
        Path lockFile = lockFile(archive);
        Path tmp = trainingOutput(archive, ProcessHandle.current().pid());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null || Files.isRegularFile(archive)) {
                return; // another JVM is making it, or has made it
            }
            Files.deleteIfExists(tmp);
            long start = System.nanoTime();
            int exit = trainer.train(List.of("-XX:ArchiveClassesAtExit=" + tmp));
            if (exit == 0 && Files.isRegularFile(tmp) && Files.size(tmp) > 0) {
                Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                published.run();
                CdsPruner.prune(archive);
                LOG.info("made the workers' AppCDS archive {} ({} KiB in {} ms): later workers start from it",
                        archive, Files.size(archive) / 1024, (System.nanoTime() - start) / 1_000_000);
            } else if (ExitStatus.signal(exit) == null) {
                String why = exit == 0 ? "the training worker exited without writing it"
                        : "the training worker " + ExitStatus.describe(exit);
                Files.writeString(failedNote(archive), why + System.lineSeparator());
                LOG.info("could not make the workers' AppCDS archive {}: {}; workers start without one (not tried again"
                        + " for a day, or until {} is deleted)", archive, why, failedNote(archive));
            }
        } catch (OverlappingFileLockException sameJvm) {
            // another pool in this JVM is making it
        } catch (IOException | RuntimeException e) {
            LOG.debug("making the workers' AppCDS archive {} was cut short: {}", archive, e.toString());
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                LOG.debug("could not delete {}: {}", tmp, e.toString());
            }
        }
    }

    /** Kills the training worker now. */
    void abort() {
        trainer.abort();
    }

    /**
     * Lets the training finish for a short while, then kills it. A pending interrupt does not cut
     * the wait short (the pool's own executor shutdown interrupts the thread that closes it); it is
     * kept for the caller.
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        interrupted |= awaitEnd(TRAINING_GRACE_MILLIS);
        if (thread.isAlive()) {
            trainer.abort();
            interrupted |= awaitEnd(5_000);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code millis} for the thread to end, through interrupts; true if there was one. */
    private boolean awaitEnd(long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + millis * 1_000_000;
        long left = millis;
        while (thread.isAlive() && left > 0) {
            try {
                thread.join(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            left = (deadline - System.nanoTime()) / 1_000_000;
        }
        return interrupted;
    }
}
