package dev.offload.service.async;

import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.function.Consumer;

/**
 * Where the changes of the jobs table are written, so that they outlive the process: a
 * {@link ChronicleJournal} in {@code journal.dir}, or {@link #NONE}. Every method runs on the
 * {@code offload-async-jobs} thread ({@link JobKeeper}).
 */
interface Journal extends AutoCloseable {

    /** No journal: jobs live in memory only. */
    Journal NONE = new Journal() {
        @Override
        public void replay(Consumer<JournalRecord> sink) {
        }

        @Override
        public void rewrite(Collection<JournalRecord> snapshot) {
        }

        @Override
        public void append(JournalRecord record) {
        }

        @Override
        public void flush() {
        }

        @Override
        public long appendedSinceRewrite() {
            return 0;
        }

        @Override
        public void close() {
        }
    };

    /**
     * Gives {@code sink} every readable record of the newest complete generation, in order, its
     * snapshot first; damaged records are skipped and logged. Called once, before anything else.
     */
    void replay(Consumer<JournalRecord> sink);

    /**
     * Starts a new generation that holds {@code snapshot}, forced to disk whatever the flush policy,
     * then drops the older generations (one that could not be read whole is kept aside instead).
     * Appends go to the new generation from now on.
     */
    void rewrite(Collection<JournalRecord> snapshot);

    void append(JournalRecord record);

    /**
     * {@link #append}, logging a failure instead of throwing it: for a change that holds in memory
     * whether or not it is journaled (a job started or finished). After a crash such a job would
     * run again: at least once, as promised.
     */
    default void appendOrLog(JournalRecord record) {
        try {
            append(record);
        } catch (RuntimeException | InternalError e) {
            LoggerFactory.getLogger(Journal.class).error("cannot journal {} of job {}: {}", record.type(), record.id(),
                    e.toString());
        }
    }

    /** After a batch of appends and before anyone hears of them: forces them to disk under {@code journal.flush: sync}. */
    void flush();

    /** How many records were appended since the last {@link #rewrite}: when to compact. */
    long appendedSinceRewrite();

    @Override
    void close();
}
