package dev.offload.transport.internal.shm;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cleaner thread ({@code offload-cycle-cleaner}, one per JVM, started when there is work and gone
 * after {@link #IDLE_MILLIS} without): deletes the cycle files a queue's reader has finished with.
 *
 * <p>A reader finds it has moved to a new cycle inside a poll, with an answer in its hands and more
 * behind it; listing the directory and unlinking a minute's file (on tmpfs, freeing every page of
 * it: tens of thousands at a busy pool's rate) took milliseconds there, on the pool's reader or a
 * worker's main thread. {@link #deleteBefore} only queues the request.
 *
 * <p>The rule: cycle file names are fixed-width timestamps, so name order is cycle order; files
 * named before the reader's current file are finished, except that the newest of them is kept (the
 * tailer's idea of its current file can run ahead of the cycle it reads: seen on JDK 25, "the
 * current cycle seems to have been deleted from under the queue"; and a cycle deleted while the
 * writer still appends to it would lose frames). Only files older than the request's current file
 * are looked at, so newer files created before the request is served change nothing.
 *
 * <p>Thread-safe: {@link #deleteBefore} from any thread.
 */
final class FinishedCycles {
    private static final Logger LOG = LoggerFactory.getLogger(FinishedCycles.class);
    /** How long the thread waits for more work before it ends (a queue rolls once a minute). */
    private static final long IDLE_MILLIS = 5_000;

    private static final Object LOCK = new Object();
    private static final ArrayDeque<Request> REQUESTS = new ArrayDeque<>(); // under LOCK
    private static Thread cleaner;                                            // under LOCK, null: none running
    private static boolean serving;                                           // under LOCK

    private FinishedCycles() {
    }

    /** A request: in {@code queueDir}, the files before {@code currentName}; {@code source} names the reader in logs. */
    private record Request(Path queueDir, String currentName, String source) {
    }

    /**
     * Asks for the cycle files of {@code queueDir} named before {@code currentName}, the file its
     * reader has moved to, to be deleted. Returns at once.
     */
    static void deleteBefore(Path queueDir, String currentName, String source) {
        synchronized (LOCK) {
            REQUESTS.add(new Request(queueDir, currentName, source));
            if (cleaner == null) {
                cleaner = new Thread(FinishedCycles::serve, "offload-cycle-cleaner");
                cleaner.setDaemon(true);
                cleaner.start();
            } else {
                LOCK.notifyAll();
            }
        }
    }

    /** True while requests are queued or being served (for tests that wait for the files to go). */
    static boolean busy() {
        synchronized (LOCK) {
            return !REQUESTS.isEmpty() || serving;
        }
    }

    private static void serve() {
        while (true) {
            Request request;
            synchronized (LOCK) {
                serving = false;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
                while (REQUESTS.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        cleaner = null;
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(LOCK, left);
                    } catch (InterruptedException e) {
                        cleaner = null;
                        return; // nobody interrupts it; if someone does, the next request starts another
                    }
                }
                request = REQUESTS.poll();
                serving = true;
            }
            delete(request);
        }
    }

    private static void delete(Request request) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(request.queueDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(SingleChronicleQueue.SUFFIX) && name.compareTo(request.currentName) < 0) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return; // the pool closed and deleted its directory meanwhile
        } catch (IOException e) {
            LOG.debug("{}: could not list cycle files in {}", request.source, request.queueDir, e);
            return;
        }
        names.sort(null);
        for (String name : names.subList(0, Math.max(0, names.size() - 1))) { // the newest before the current stays
            try {
                Files.deleteIfExists(request.queueDir.resolve(name));
            } catch (IOException e) {
                // Not fatal: the pool deletes its whole directory on close.
                LOG.debug("{}: could not delete finished cycle file {}", request.source, name, e);
            }
        }
    }
}
