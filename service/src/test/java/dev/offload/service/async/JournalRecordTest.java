package dev.offload.service.async;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalRecordTest {
    private static final byte[] INPUT = "{\"ms\": 200}".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldReadBackEveryTypeOfRecord() throws Exception {
        List<JournalRecord> records = List.of(
                JournalRecord.accepted("id1", "sleep", 1_700_000_000_000L, null, null, INPUT),
                JournalRecord.accepted("id2", "sleep", 1L, "key-1", Fingerprint.of("sleep", INPUT), INPUT),
                JournalRecord.started("id1", 2),
                JournalRecord.done("id1", 5L, "{\"slept\":200}".getBytes(StandardCharsets.UTF_8)),
                JournalRecord.failed("id2", 6L, "{\"error\":\"boom\"}".getBytes(StandardCharsets.UTF_8)),
                JournalRecord.cancelled("id3", 7L),
                JournalRecord.snapshotEnd(3));

        for (JournalRecord record : records) {
            JournalRecord read = JournalRecord.decode(record.encode());

            assertThat(read).usingRecursiveComparison().as(record.type().name()).isEqualTo(record);
        }
    }

    @Test
    void shouldRefuseARecordWithAByteChanged() {
        byte[] bytes = JournalRecord.done("id1", 5L, INPUT).encode();

        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assertThatThrownBy(() -> JournalRecord.decode(damaged)).as("byte %d changed", i)
                    .isInstanceOf(JournalRecord.CorruptException.class);
        }
    }

    @Test
    void shouldRefuseARecordCutShortOrPaddedWithZeros() {
        byte[] bytes = JournalRecord.accepted("id2", "sleep", 1L, "key-1", Fingerprint.of("sleep", INPUT), INPUT).encode();

        for (int length = 0; length < bytes.length; length++) {
            byte[] torn = Arrays.copyOf(bytes, length);
            byte[] zeroTail = Arrays.copyOf(Arrays.copyOf(bytes, length), bytes.length); // a page the crash never wrote
            assertThatThrownBy(() -> JournalRecord.decode(torn)).isInstanceOf(JournalRecord.CorruptException.class);
            if (!Arrays.equals(zeroTail, bytes)) { // the bytes cut off may have been zeros already
                assertThatThrownBy(() -> JournalRecord.decode(zeroTail)).isInstanceOf(JournalRecord.CorruptException.class);
            }
        }
    }
}
