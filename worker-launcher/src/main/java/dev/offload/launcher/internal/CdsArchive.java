package dev.offload.launcher.internal;

import dev.offload.worker.internal.WorkerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The AppCDS archive a pool's workers start from: the classes a worker loads up to its first
 * answer, parsed and verified once, then mapped by every later worker JVM. Called from the
 * launching threads ({@code offload-spawn-N}, {@code offload-start-wN}) and the stderr pumps.
 *
 * <p>Made once per archive name ({@link CdsCache#archiveName}): when a worker has started and the
 * archive is missing, {@link CdsMaker} runs a training worker (the same command, plus
 * {@code -XX:ArchiveClassesAtExit}) that says HELLO, answers one job and exits, and publishes the
 * archive its JVM wrote only once that JVM has exited cleanly: another JVM never maps a
 * half-written archive (which crashes it with SIGBUS). The same scheme on every JDK:
 * {@code -XX:+AutoCreateSharedArchive} (JDK 19+) writes in place, from every worker that finds the
 * archive stale.
 *
 * <p>Never fatal: a worker whose start fails with the archive (not by a signal from outside) is
 * started again without it and the archive is deleted; so is a file that is not an archive (the
 * JVM would ignore it without a word); a worker whose JVM says it refuses the archive has it
 * deleted and made again, with one log line. A rebuilt jar or another JDK gives another name, so
 * an archive rarely goes stale.
 */
final class CdsArchive implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CdsArchive.class);
    /** The JVM's own words (JDK 17 to 25) when it maps the base archive but refuses ours. */
    private static final Pattern REFUSED = Pattern.compile(
            "\\]\\[cds.*(Unable to use shared archive|An error has occurred while processing the shared archive)");
    private static final Pattern CDS_LINE = Pattern.compile("^\\[[^]]*\\]\\[(warning|error)\\s*\\]\\[cds");
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
    private volatile CdsMaker making;
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
        String why = CdsCache.whyNot(command, classPath);
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

    boolean isOff() {
        return archive == null;
    }

    Path path() {
        return archive;
    }

    /** The flags for the next worker: the archive when it is there (marked as used just now), else none. */
    List<String> flags() {
        if (archive == null || !Files.isRegularFile(archive)) {
            return List.of();
        }
        if (!CdsCache.isDynamicArchive(archive)) {
            // The JVM ignores such a file without a word: every worker would start the slow way.
            retire("it is not a dynamic AppCDS archive (no 0xf00baba8 magic at its start)");
            return List.of();
        }
        CdsCache.touch(archive); // used: kept by CdsPruner; a syscall beside a fork
        return List.of("-XX:SharedArchiveFile=" + archive);
    }

    /** A worker said HELLO: when there is no archive yet, one is made in the background. */
    void workerStarted() {
        CdsMaker maker = making;
        if (archive == null || closed || (maker != null && maker.isRunning()) || Files.isRegularFile(archive)
                || CdsMaker.failedRecently(archive)) {
            return;
        }
        synchronized (this) {
            if ((making != null && making.isRunning()) || closed || trainings.incrementAndGet() > MAX_TRAININGS_PER_POOL) {
                return;
            }
            making = CdsMaker.start(archive, trainer, () -> refusalLogged.set(false));
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

    /** No new training, and the one under way, if any, is killed now. */
    void abortTraining() {
        closed = true;
        CdsMaker maker = making;
        if (maker != null) {
            maker.abort();
        }
    }

    /** Lets a training under way finish for a few seconds, then kills it ({@link CdsMaker#close}). Idempotent. */
    @Override
    public void close() {
        closed = true;
        CdsMaker maker = making;
        if (maker != null) {
            maker.close();
        }
    }
}
