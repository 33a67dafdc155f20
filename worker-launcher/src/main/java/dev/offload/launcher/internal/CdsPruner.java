package dev.offload.launcher.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Bounds the workers' AppCDS cache directory, on {@code offload-cds} right after {@link CdsMaker}
 * has published an archive: never on a launching thread, never while a pool starts.
 *
 * <p>The policy. An archive's last use is its modification time: set when it is made, and touched
 * when a pool starts and whenever a worker starts from it ({@link CdsCache#touch}). Kept: the
 * archive just made, and of the others the most recently used, up to {@value #KEEP_ARCHIVES} in
 * all, each used within {@link #UNUSED_LIFETIME}. Deleted with an archive: its lock file, its
 * {@code .failed} note and any training leftover ({@code .<pid>.tmp}). The files of a name that
 * has no archive (a training that failed or was cut short, an archive deleted as stale) go once
 * all of them are older than {@link #LEFTOVER_LIFETIME}, the time a {@code .failed} note counts.
 * Only files named as {@link CdsCache#archiveOf} says are ever deleted.
 *
 * <p>Several JVMs may prune one directory at once, and others may be making or starting from an
 * archive meanwhile. A name's files are deleted only under that name's lock, the one its maker
 * holds, so a training under way keeps its files; a failed delete is skipped. A worker JVM keeps
 * mapping an archive deleted under it (an unlinked file lives while it is mapped); one that starts
 * with an archive deleted a moment before runs without class data sharing, as JDK 17 to 25 do
 * when the file is missing, and its pool has the archive made again.
 */
final class CdsPruner {
    private static final Logger LOG = LoggerFactory.getLogger(CdsPruner.class);
    /** Archives kept per cache directory, the one just made included: 7-20 MB each. */
    static final int KEEP_ARCHIVES = 8;
    /** An archive no pool or worker started from for this long goes, even within the count. */
    static final Duration UNUSED_LIFETIME = Duration.ofDays(30);
    /** Files of a name without an archive go when all are older than this. */
    static final Duration LEFTOVER_LIFETIME = CdsMaker.RETRY_FAILED_AFTER;

    private CdsPruner() {
    }

    /** Applies the policy to the directory of {@code justMade}, which is kept; what it cannot do is skipped (DEBUG). */
    static void prune(Path justMade) {
        Path dir = justMade.getParent();
        Instant now = Instant.now();
        List<Name> archived = new ArrayList<>();
        List<Name> leftovers = new ArrayList<>();
        for (Name name : names(dir)) {
            if (name.archive().equals(justMade.getFileName().toString())) {
                continue;
            }
            (name.lastUsed() == null ? leftovers : archived).add(name);
        }
        archived.sort(Comparator.comparing(Name::lastUsed).reversed());
        long freed = 0;
        int deleted = 0;
        for (int i = 0; i < archived.size(); i++) {
            Name name = archived.get(i);
            if (i >= KEEP_ARCHIVES - 1 || name.lastUsed().isBefore(now.minus(UNUSED_LIFETIME))) {
                long bytes = deleteUnderLock(dir, name);
                if (bytes >= 0) {
                    freed += bytes;
                    deleted++;
                }
            }
        }
        for (Name name : leftovers) {
            if (name.newest().isBefore(now.minus(LEFTOVER_LIFETIME))) {
                deleteUnderLock(dir, name);
            }
        }
        if (deleted > 0) {
            LOG.info("deleted {} workers' AppCDS archive(s) ({} MiB) from {}: it keeps the {} most recently used,"
                    + " each used within {} days", deleted, freed >> 20, dir, KEEP_ARCHIVES, UNUSED_LIFETIME.toDays());
        }
    }

    /**
     * One archive name's files in the directory: {@code lastUsed} is the archive's modification
     * time, null when there is no archive; {@code newest} is the latest of all its files'.
     */
    private record Name(String archive, List<Path> files, Instant lastUsed, Instant newest, long bytes) {
    }

    /** Our regular files in {@code dir}, by archive name; foreign files and links are left out. */
    private static List<Name> names(Path dir) {
        Map<String, List<Path>> byName = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                String archive = CdsCache.archiveOf(f.getFileName().toString());
                if (archive != null) {
                    byName.computeIfAbsent(archive, a -> new ArrayList<>()).add(f);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not list {} to prune it: {}", dir, e.toString());
        }
        List<Name> names = new ArrayList<>();
        byName.forEach((archive, files) -> {
            Instant lastUsed = null;
            Instant newest = Instant.EPOCH;
            long bytes = 0;
            List<Path> regular = new ArrayList<>();
            for (Path file : files) {
                try {
                    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (!attrs.isRegularFile()) {
                        continue;
                    }
                    Instant modified = attrs.lastModifiedTime().toInstant();
                    newest = modified.isAfter(newest) ? modified : newest;
                    lastUsed = file.getFileName().toString().equals(archive) ? modified : lastUsed;
                    bytes += attrs.size();
                    regular.add(file);
                } catch (IOException e) {
                    // deleted meanwhile, by another JVM pruning too
                }
            }
            if (!regular.isEmpty()) {
                names.add(new Name(archive, regular, lastUsed, newest, bytes));
            }
        });
        return names;
    }

    /**
     * Deletes {@code name}'s files, its lock file last, while holding that lock; returns the bytes
     * freed, or -1 when a JVM (this one included) holds the lock (it is making that archive) or the
     * archive was made or used since it was listed.
     */
    private static long deleteUnderLock(Path dir, Name name) {
        Path lockFile = CdsMaker.lockFile(dir.resolve(name.archive()));
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null || !Objects.equals(lastModified(dir.resolve(name.archive())), name.lastUsed())) {
                return -1;
            }
            for (Path file : name.files()) {
                if (!file.equals(lockFile)) {
                    delete(file);
                }
            }
            // A JVM that opened the lock file before this delete may lock the unlinked file later
            // while another locks a new one: two trainings of one archive at once, each writing its
            // own .<pid>.tmp and renaming it into place. Wasted work, never a half-written archive.
            delete(lockFile);
            return name.bytes();
        } catch (OverlappingFileLockException sameJvm) {
            return -1;
        } catch (IOException e) {
            LOG.debug("could not lock {} to delete its archive's files: {}", lockFile, e.toString());
            return -1;
        }
    }

    private static Instant lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", file, e.toString());
        }
    }
}
