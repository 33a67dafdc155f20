package dev.offload.service.async;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal on disk: what a reopen reads back, and what it makes of a torn, damaged or half-written journal. */
@Timeout(60)
class ChronicleJournalTest {
    private static final int RECORDS = 1_000;

    @TempDir
    Path dir;

    @Test
    void shouldReplayWhatWasAppendedAfterTheSnapshot() {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, false)) {
            journal.replay(r -> { throw new AssertionError("a new journal holds nothing: " + r); });
            journal.rewrite(List.of(accepted(0)));
            journal.append(JournalRecord.started("job-0", 1));
            journal.append(JournalRecord.done("job-0", 9L, bytes("{\"slept\":1}")));
        }

        List<JournalRecord> read = replay();

        assertThat(read).extracting(JournalRecord::type).containsExactly(JournalRecord.Type.ACCEPTED,
                JournalRecord.Type.STARTED, JournalRecord.Type.DONE);
        assertThat(new String(read.get(2).data(), StandardCharsets.UTF_8)).isEqualTo("{\"slept\":1}");
    }

    @Test
    void shouldKeepOnlyTheNewGenerationAfterARewrite() throws IOException {
        writeJournal(10);

        try (ChronicleJournal journal = ChronicleJournal.open(dir, true)) {
            journal.replay(r -> { });
            journal.rewrite(List.of(accepted(42)));
            journal.flush();
        }

        assertThat(generations()).containsExactly("gen-000000002");
        assertThat(replay()).extracting(JournalRecord::id).containsExactly("job-42");
    }

    @Test
    void shouldRecoverTheReadablePartOfAJournalTruncatedMidRecord() throws IOException {
        writeJournal(RECORDS);
        Path data = dataFile("gen-000000001");
        long cut = offsetOf(data, "job-500") + 3; // inside record 500
        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            file.setLength(cut);
        }

        List<JournalRecord> read = replayAndRewrite();

        assertThat(read).extracting(JournalRecord::id).hasSize(500).startsWith("job-0").endsWith("job-499");
        assertThat(generations()).containsExactly("gen-000000002");
        assertThat(damagedGenerations()).hasSize(1).allMatch(name -> name.startsWith("damaged-gen-000000001-"));
        assertThat(replay()).hasSize(500); // and the new generation reads back whole
    }

    @Test
    void shouldSkipARecordWhoseBytesWereDamaged() throws IOException {
        writeJournal(RECORDS);
        Path data = dataFile("gen-000000001");
        long at = offsetOf(data, "job-500");
        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            file.seek(at + 4);
            file.write('X'); // job-500 becomes job-X00: its checksum no longer matches
        }

        List<JournalRecord> read = replayAndRewrite();

        assertThat(read).hasSize(RECORDS - 1).extracting(JournalRecord::id).doesNotContain("job-500", "job-X00")
                .contains("job-499", "job-501", "job-999");
        assertThat(damagedGenerations()).hasSize(1);
    }

    @Test
    void shouldReadTheOlderGenerationWhenTheNewerOneNeverFinishedItsSnapshot() throws IOException {
        writeJournal(3);
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir.resolve("gen-000000002")).build()) {
            ExcerptAppender appender = q.createAppender();
            try (DocumentContext dc = appender.writingDocument()) {
                dc.wire().bytes().write(accepted(7).encode()); // a snapshot cut short: no SNAPSHOT_END
            }
        }

        List<JournalRecord> read = replayAndRewrite();

        assertThat(read).extracting(JournalRecord::id).containsExactly("job-0", "job-1", "job-2");
        assertThat(generations()).containsExactly("gen-000000002"); // the incomplete one was deleted, its number taken again
        assertThat(damagedGenerations()).isEmpty();
    }

    @Test
    void shouldRefuseADirectoryAnotherServiceUses() {
        try (ChronicleJournal first = ChronicleJournal.open(dir, false)) {
            assertThatThrownBy(() -> ChronicleJournal.open(dir, false))
                    .isInstanceOf(JournalUnusableException.class)
                    .hasMessageContaining("journal.dir " + dir + " is in use by another offload serve (pid "
                            + ProcessHandle.current().pid() + ")");
        }
        ChronicleJournal.open(dir, false).close(); // free again once closed
    }

    @Test
    void shouldSayWhyADirectoryCannotBeUsed() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> ChronicleJournal.open(file, false))
                .isInstanceOf(JournalUnusableException.class)
                .hasMessage("cannot use journal.dir " + file + ": it is not a directory");
        assertThatThrownBy(() -> ChronicleJournal.open(file.resolve("sub"), false))
                .isInstanceOf(JournalUnusableException.class)
                .hasMessageStartingWith("cannot use journal.dir " + file.resolve("sub") + ": ");
    }

    /** Generation 1: an empty snapshot, then {@code n} accepted jobs job-0, job-1, … */
    private void writeJournal(int n) {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, false)) {
            journal.replay(r -> { });
            journal.rewrite(List.of());
            for (int i = 0; i < n; i++) {
                journal.append(accepted(i));
            }
        }
    }

    private List<JournalRecord> replay() {
        List<JournalRecord> read = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, false)) {
            journal.replay(read::add);
        }
        return read;
    }

    private List<JournalRecord> replayAndRewrite() {
        List<JournalRecord> read = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, false)) {
            journal.replay(read::add);
            journal.rewrite(read);
        }
        return read;
    }

    private static JournalRecord accepted(int i) {
        return JournalRecord.accepted("job-" + i, "sleep", 1_000L + i, null, null, bytes("{\"ms\": " + i + "}"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> generations() throws IOException {
        return names().stream().filter(n -> n.startsWith("gen-")).toList();
    }

    private List<String> damagedGenerations() throws IOException {
        return names().stream().filter(n -> n.startsWith("damaged-")).toList();
    }

    private List<String> names() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path dataFile(String generation) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(generation))) {
            return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    private static long offsetOf(Path file, String text) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= all.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (all[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(text + " is not in " + file);
    }
}
