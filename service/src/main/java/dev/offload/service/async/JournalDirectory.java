package dev.offload.service.async;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layout of {@code journal.dir}: a {@code lock} file, locked while a service uses the directory
 * (the kernel drops the lock when that process dies, however it dies), and one Chronicle queue per
 * generation, {@code gen-000000001} and on. A generation begins with a snapshot of every job; the
 * newest complete one is the journal. One that could not be read whole is renamed
 * {@code damaged-gen-…-<millis>} and kept for inspection. The {@code offload-async-jobs} thread's only.
 */
final class JournalDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalDirectory.class);
    private static final Pattern GENERATION = Pattern.compile("gen-(\\d{9})");

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;

    private JournalDirectory(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** @throws JournalUnusableException naming the directory and what is wrong with it */
    static JournalDirectory open(Path dir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = new String(Files.readAllBytes(dir.resolve("lock")), StandardCharsets.US_ASCII).strip();
                throw new JournalUnusableException("journal.dir " + dir + " is in use by another offload serve"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; give each service its own", null);
            }
            channel.truncate(0).write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.US_ASCII)));
            if ("tmpfs".equals(Files.getFileStore(dir).type())) {
                LOG.warn("journal.dir {} is on tmpfs: accepted jobs survive a crash of the service, not a restart of the machine", dir);
            }
            return new JournalDirectory(dir, channel, lock);
        } catch (IOException e) {
            close(channel);
            throw new JournalUnusableException("cannot use journal.dir " + dir + ": " + describe(e), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    Path path() {
        return dir;
    }

    /** The generations, newest first. */
    List<Path> generations() {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> GENERATION.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list journal.dir " + dir, e);
        }
    }

    /** The directory of a generation newer than every existing one (not created yet). */
    Path nextGeneration() {
        List<Path> existing = generations();
        long last = existing.isEmpty() ? 0 : Long.parseLong(existing.get(0).getFileName().toString().substring(4));
        return dir.resolve(String.format("gen-%09d", last + 1));
    }

    void delete(Path generation) {
        try (Stream<Path> files = Files.walk(generation)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the old journal generation {}: {}", generation, e.toString());
        }
    }

    /** Renames a generation that could not be read whole, so that nothing reads it again but a person can. */
    void keepAside(Path generation) {
        Path aside = dir.resolve("damaged-" + generation.getFileName() + "-" + System.currentTimeMillis());
        try {
            Files.move(generation, aside);
            LOG.warn("the damaged journal generation is kept as {}; delete it once inspected", aside);
        } catch (IOException e) {
            LOG.warn("cannot move the damaged journal generation {} aside ({}); deleting it", generation, e.toString());
            delete(generation);
        }
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it as well
        }
        close(lockFile);
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this JVM holds it already
        }
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it is not a directory";
        }
        return e.toString();
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }
}
