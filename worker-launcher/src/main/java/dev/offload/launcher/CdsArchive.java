package dev.offload.launcher;

import dev.offload.worker.WorkerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The AppCDS archive a pool's workers start from: the classes a worker loads up to its first
 * answer, parsed and verified once, then mapped by every later worker JVM. Called from the
 * launching threads ({@code offload-spawn-N}) and the stderr pumps; the archive is made on
 * {@code offload-cds}.
 *
 * <p>Made once per archive name ({@link CdsCache#archiveName}): when a worker has started and the
 * archive is missing, a training worker is run (the same command, plus
 * {@code -XX:ArchiveClassesAtExit}) that says HELLO, answers one job and exits; the JVM writes the
 * archive as it exits, to a temporary file that is renamed into place only once the JVM has
 * exited cleanly. Another JVM therefore never maps a half-written archive (which crashes it with
 * SIGBUS). A file lock keeps two JVMs from training for the same name at once. The same scheme on
 * every JDK: {@code -XX:+AutoCreateSharedArchive} (JDK 19+) writes in place, from every worker
 * that finds the archive stale.
 *
 * <p>Never fatal: a worker whose start fails with the archive (not by a signal from outside) is
 * started again without it and the archive is deleted; so is a file that is not an archive (the
 * JVM would ignore it without a word); a worker whose JVM says it refuses the archive has it
 * deleted and made again, with one log line; a training that fails for a reason that will not go
 * away leaves a {@code .failed} note that keeps this name from being tried again for a day. A
 * rebuilt jar or another JDK gives another name ({@link CdsCache#archiveName}), so an archive
 * rarely goes stale; archives unused for 30 days are deleted.
 */
final class CdsArchive implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CdsArchive.class);
    /** The JVM's own words (JDK 17 to 25) when it maps the base archive but refuses ours. */
    private static final Pattern REFUSED = Pattern.compile(
            "\\]\\[cds.*(Unable to use shared archive|An error has occurred while processing the shared archive)");
    private static final Pattern CDS_LINE = Pattern.compile("^\\[[^]]*\\]\\[(warning|error)\\s*\\]\\[cds");
    /** HotSpot's CDS_DYNAMIC_ARCHIVE_MAGIC, the first field of a dynamic archive (JDK 13 to 25), in native order. */
    private static final int DYNAMIC_ARCHIVE_MAGIC = 0xf00baba8;
    private static final Duration RETRY_FAILED_AFTER = Duration.ofDays(1);
    /** Archives no pool started from for this long are deleted when a new one is made. */
    private static final Duration UNUSED_ARCHIVE_LIFETIME = Duration.ofDays(30);
    /** How long close() lets a training that is under way finish: the archive is worth a short wait, once. */
    private static final long TRAINING_GRACE_MILLIS = 5_000;
    private static final int MAX_TRAININGS_PER_POOL = 2;

    /** Runs a training worker: the pool's launcher. */
    interface Trainer {
        /**
         * Starts a worker with {@code dumpFlags} added, has it answer a job, asks it to exit, and
         * returns its exit code once it has exited.
         *
         * @throws IOException when it was killed, timed out, or the pool is closing: worth another try later
         */
        int train(List<String> dumpFlags) throws IOException;

        /** Kills a training worker that is running, if any. */
        void abort();
    }

    private final Path archive;
    private final Trainer trainer;
    private final AtomicInteger trainings = new AtomicInteger();
    private final AtomicBoolean refusalLogged = new AtomicBoolean();
    private volatile Thread training;
    private volatile boolean closed;

    private CdsArchive(Path archive, Trainer trainer) {
        this.archive = archive;
        this.trainer = trainer;
    }

    /** An archive that is never used: CDS is switched off, or cannot work for this command. */
    static CdsArchive off() {
        return new CdsArchive(null, null);
    }

    /**
     * The archive for workers started with {@code command} (without AppCDS flags) over
     * {@code transport}, kept in the first usable of {@code directories}, or {@link #off()} when it
     * cannot work, with the reason at DEBUG.
     */
    static CdsArchive forCommand(List<String> command, String classPath, String transport, List<Path> directories,
                                 Trainer trainer) {
        String why = whyNot(command, classPath);
        if (why == null) {
            try {
                Path archive = CdsCache.directory(directories).resolve(CdsCache.archiveName(command, classPath, transport));
                CdsCache.touch(archive);
                return new CdsArchive(archive, trainer);
            } catch (IOException e) {
                why = e.getMessage();
            }
        }
        LOG.debug("workers start without an AppCDS archive: {}", why);
        return off();
    }

    private static String whyNot(List<String> command, String classPath) {
        if (command.stream().anyMatch(a -> a.startsWith("-Xshare") || a.contains("SharedArchiveFile")
                || a.contains("ArchiveClassesAtExit") || a.startsWith("-XX:AOT"))) {
            return "workers.jvmArgs manage class data sharing themselves";
        }
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Path.of(entry.isEmpty() ? "." : entry);
            if (Files.isDirectory(path) && !isEmptyDirectory(path)) {
                return "the class path holds a directory (" + entry + "), and the JVM archives classes only from jars";
            }
        }
        return null;
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    boolean isOff() {
        return archive == null;
    }

    Path path() {
        return archive;
    }

    /** The flags for the next worker: the archive when it is there, else none. */
    List<String> flags() {
        if (archive == null || !Files.isRegularFile(archive)) {
            return List.of();
        }
        if (!startsWithDynamicArchiveMagic(archive)) {
            // The JVM ignores such a file without a word: every worker would start the slow way.
            retire("it is not a dynamic AppCDS archive (no 0xf00baba8 magic at its start)");
            return List.of();
        }
        return List.of("-XX:SharedArchiveFile=" + archive);
    }

    private static boolean startsWithDynamicArchiveMagic(Path file) {
        ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // a 4-byte read from a local file: one call in practice
            }
        } catch (IOException e) {
            return true; // gone or unreadable now: the JVM will say so, and the start is retried without it
        }
        return !head.hasRemaining() && head.getInt(0) == DYNAMIC_ARCHIVE_MAGIC;
    }

    /** A worker said HELLO: when there is no archive yet, one is made in the background. */
    void workerStarted() {
        if (archive == null || closed || training != null || Files.isRegularFile(archive) || failedRecently()) {
            return;
        }
        synchronized (this) {
            if (training != null || closed || trainings.incrementAndGet() > MAX_TRAININGS_PER_POOL) {
                return;
            }
            Thread thread = new Thread(this::train, "offload-cds");
            thread.setDaemon(true);
            training = thread;
            thread.start();
        }
    }

    /**
     * Whether a worker that failed to start with the archive should be started again without it:
     * not when a signal from outside killed it, it timed out, or it exited with one of the worker's
     * own codes (its JVM ran, so the archive was fine).
     */
    static boolean mayBeTheCause(WorkerStartException e) {
        int exit = e.exitCode();
        return exit >= 0 && !ExitStatus.killedFromOutside(exit) && !WorkerProtocol.isWorkerExitCode(exit);
    }

    /** A worker failed to start with the archive and started without it: the archive goes. */
    void startedOnlyWithout(String workerId, WorkerStartException failure) {
        retire("worker " + workerId + " failed to start with it and started without it: " + failure.getMessage());
    }

    /**
     * For the stderr pump of a worker started with the archive: true when {@code line} is the JVM's
     * word on the archive, which this class logs (once) instead of the pump.
     */
    boolean handledStderrLine(String workerId, String line) {
        if (!CDS_LINE.matcher(line).find()) {
            return false;
        }
        if (REFUSED.matcher(line).find()) {
            retire("the JVM of worker " + workerId + " refused it (" + line.strip()
                    + "): a jar on the class path or the JDK changed since it was made");
        } else {
            LOG.debug("[worker {}] {}", workerId, line);
        }
        return true;
    }

    private void retire(String why) {
        if (refusalLogged.compareAndSet(false, true)) {
            LOG.info("deleting the workers' AppCDS archive {}: {}; a new one will be made", archive, why);
        }
        try {
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", archive, e.toString());
        }
    }

    private boolean failedRecently() {
        Path note = failedNote();
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

    private Path failedNote() {
        return archive.resolveSibling(archive.getFileName() + ".failed");
    }

    /** On {@code offload-cds}: one training, under the file lock, published by an atomic rename. */
    private void train() {
        Path lockFile = archive.resolveSibling(archive.getFileName() + ".lock");
        Path tmp = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
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
                refusalLogged.set(false);
                CdsCache.prune(archive.getParent(), UNUSED_ARCHIVE_LIFETIME);
                LOG.info("made the workers' AppCDS archive {} ({} KiB in {} ms): later workers start from it",
                        archive, Files.size(archive) / 1024, (System.nanoTime() - start) / 1_000_000);
            } else if (ExitStatus.signal(exit) == null) {
                String why = exit == 0 ? "the training worker exited without writing it" : "the training worker " + ExitStatus.describe(exit);
                Files.writeString(failedNote(), why + System.lineSeparator());
                LOG.info("could not make the workers' AppCDS archive {}: {}; workers start without one (not tried again for a day,"
                        + " or until {} is deleted)", archive, why, failedNote());
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
            training = null;
        }
    }

    /** No new training, and the one under way, if any, is killed now. */
    void abortTraining() {
        closed = true;
        if (training != null) {
            trainer.abort();
        }
    }

    /**
     * Lets a training under way finish for a short while, then kills it. Idempotent. A pending
     * interrupt does not cut the wait short (the pool's own executor shutdown interrupts the
     * thread that closes it); it is kept for the caller.
     */
    @Override
    public void close() {
        closed = true;
        Thread thread = training;
        if (thread == null) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        interrupted |= awaitEnd(thread, TRAINING_GRACE_MILLIS);
        if (thread.isAlive()) {
            trainer.abort();
            interrupted |= awaitEnd(thread, 5_000);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code millis} for {@code thread} to end, through interrupts; true if there was one. */
    private static boolean awaitEnd(Thread thread, long millis) {
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
