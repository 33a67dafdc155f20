package dev.offload.service.async;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The journal in {@code journal.dir}, on Chronicle Queue ({@link JournalDirectory} for the layout).
 * An append writes into the mapped pages of the current generation, so a record is in the kernel's
 * page cache, and outlives the process, as soon as {@link #append} returns. With
 * {@code journal.flush: sync}, {@link #flush} msyncs what was appended before anyone is answered;
 * with {@code os} the kernel writes it out in its own time (Linux: dirty pages older than
 * {@code vm.dirty_expire_centisecs}, 30 s by default), which a power cut can overtake. The
 * {@code offload-async-jobs} thread's only.
 */
final class ChronicleJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);

    private final JournalDirectory dir;
    private final boolean sync;
    /** Generations that could not be read whole: kept aside rather than deleted once rewritten. */
    private final Set<Path> damaged = new HashSet<>();
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private long appended;

    private ChronicleJournal(JournalDirectory dir, boolean sync) {
        this.dir = dir;
        this.sync = sync;
    }

    /** @throws JournalUnusableException when the directory cannot be used */
    static ChronicleJournal open(Path dir, boolean sync) {
        return new ChronicleJournal(JournalDirectory.open(dir), sync);
    }

    @Override
    public void replay(Consumer<JournalRecord> sink) {
        List<Path> generations = dir.generations();
        for (int i = 0; i < generations.size(); i++) {
            Path generation = generations.get(i);
            boolean oldest = i == generations.size() - 1;
            if (read(generation, sink, oldest)) {
                return;
            }
            // Its snapshot never ended: the process died while writing it, and the older generation still holds everything.
            LOG.warn("journal generation {} is incomplete (the service stopped while writing it); reading the one before", generation);
            dir.delete(generation);
        }
    }

    /**
     * Reads one generation into {@code sink}: its snapshot once the snapshot is known to be whole
     * (or, in the {@code oldest} generation, whatever of it can be read), then the rest.
     *
     * @return false if the snapshot is incomplete and an older generation should be read instead
     */
    private boolean read(Path generation, Consumer<JournalRecord> sink, boolean oldest) {
        List<JournalRecord> snapshot = new ArrayList<>();
        boolean whole = false;
        int skipped = 0;
        long read = 0;
        try (SingleChronicleQueue q = build(generation); ExcerptTailer tailer = q.createTailer()) {
            long lastIndex = -1;
            for (byte[] bytes = next(tailer); bytes != null; bytes = next(tailer)) {
                lastIndex = tailer.lastReadIndex();
                read++;
                JournalRecord record;
                try {
                    record = JournalRecord.decode(bytes);
                } catch (JournalRecord.CorruptException e) {
                    skipped++;
                    LOG.warn("journal {}: skipping record {} ({})", generation, read, e.getMessage());
                    continue;
                }
                if (whole) {
                    sink.accept(record);
                } else if (record.type() == JournalRecord.Type.SNAPSHOT_END) {
                    whole = true;
                    snapshot.forEach(sink);
                    snapshot.clear();
                } else {
                    snapshot.add(record);
                }
            }
            if (q.lastIndex() > lastIndex) {
                damaged.add(generation);
                LOG.warn("journal {}: the records after the {}th cannot be read (a torn or damaged tail); they are lost",
                        generation, read);
            }
        } catch (RuntimeException | InternalError | AssertionError e) {
            // Chronicle on a damaged file: an exception, an InternalError (a fault in mapped memory) or,
            // with assertions on, an AssertionError. Whatever was read so far stands.
            damaged.add(generation);
            LOG.warn("journal {}: reading stopped after {} records: {}; the rest is lost", generation, read, e.toString());
        }
        if (skipped > 0) {
            damaged.add(generation);
        }
        if (!whole && oldest && !snapshot.isEmpty()) {
            damaged.add(generation);
            LOG.warn("journal {}: its snapshot is incomplete and no older generation exists; keeping the {} jobs records read",
                    generation, snapshot.size());
            snapshot.forEach(sink);
            return true;
        }
        return whole || oldest;
    }

    private static byte[] next(ExcerptTailer tailer) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            Bytes<?> bytes = dc.wire().bytes();
            byte[] copy = new byte[(int) bytes.readRemaining()];
            bytes.read(copy);
            return copy;
        }
    }

    @Override
    public void rewrite(Collection<JournalRecord> snapshot) {
        Path next = dir.nextGeneration();
        SingleChronicleQueue q = build(next);
        ExcerptAppender a;
        try {
            a = q.createAppender();
            for (JournalRecord record : snapshot) {
                write(a, record);
            }
            write(a, JournalRecord.snapshotEnd(snapshot.size()));
            a.sync(); // the older generations are deleted next: this one must be on disk first
        } catch (RuntimeException | InternalError e) {
            q.close();
            dir.delete(next);
            throw e;
        }
        if (queue != null) {
            queue.close(); // closes its appender too
        }
        queue = q;
        appender = a;
        appended = 0;
        for (Path old : dir.generations()) {
            if (!old.equals(next)) {
                if (damaged.remove(old)) {
                    dir.keepAside(old);
                } else {
                    dir.delete(old);
                }
            }
        }
    }

    @Override
    public void append(JournalRecord record) {
        write(appender, record);
        appended++;
    }

    @Override
    public void flush() {
        if (sync) {
            appender.sync();
        }
    }

    @Override
    public long appendedSinceRewrite() {
        return appended;
    }

    /** Closes the queue (what was appended stays in the page cache, then on disk) and releases the directory. Idempotent. */
    @Override
    public void close() {
        try {
            if (queue != null) {
                queue.close();
                queue = null;
            }
        } finally {
            dir.close();
        }
    }

    private static void write(ExcerptAppender appender, JournalRecord record) {
        byte[] bytes = record.encode();
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(bytes);
        }
    }

    /** Daily cycle files; SyncMode.SYNC is what makes {@code sync()} an msync (NONE would make it do nothing). */
    private static SingleChronicleQueue build(Path generation) {
        return SingleChronicleQueueBuilder.binary(generation)
                .rollCycle(RollCycles.FAST_DAILY)
                .syncMode(SyncMode.SYNC)
                .checkInterrupts(false)
                .build();
    }
}
