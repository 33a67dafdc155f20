package dev.offload.transport.internal.shm;

import dev.offload.transport.internal.CorruptFrameException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The arena's ring arithmetic: reuse from the front when empty, wrap with padding, refuse when full. */
class PayloadArenaTest {
    private static final long MAX_FRAME = 1 << 20;
    private TestShmBase base;
    private PayloadArena writer;
    private PayloadArena reader;
    private int capacity;

    @BeforeEach
    void open() throws IOException {
        base = TestShmBase.create();
        Path file = base.path().resolve("x.arena");
        PayloadArena.create(file, MAX_FRAME);
        writer = PayloadArena.open(file, MAX_FRAME);
        reader = PayloadArena.open(file, MAX_FRAME);
        capacity = PayloadArena.capacityFor(MAX_FRAME);
    }

    @AfterEach
    void close() throws IOException {
        writer.close();
        reader.close();
        base.path().resolve("x.arena").toFile().delete();
        base.assertEmptyAndDelete();
    }

    @Test
    void shouldHoldAWholeMaxFrameAndRoundCapacityToPages() {
        assertThat(capacity).isGreaterThanOrEqualTo((int) MAX_FRAME).isEqualTo(capacity / 4096 * 4096);
        assertThat(PayloadArena.capacityFor(1024)).isEqualTo(1 << 20); // never below 1 MiB
    }

    @Test
    void shouldStartAgainAtTheFrontOnceEverythingWasReleased() throws CorruptFrameException {
        byte[] a = filled(100_000, 1);
        int offset = writer.place(a, 0);
        assertThat(offset).isZero();
        long end = writer.end();
        assertThat(reader.copyOut(offset, a.length, "t")).isEqualTo(a);
        assertThat(writer.place(filled(50_000, 2), end)).isZero(); // released: the front again
    }

    @Test
    void shouldPlacePayloadsSideBySideWhileTheReaderLagsAndWrapWithPadding() throws CorruptFrameException {
        int size = capacity * 2 / 5;
        byte[] a = filled(size, 1);
        byte[] b = filled(size, 2);
        assertThat(writer.place(a, 0)).isZero();
        long afterA = writer.end();
        assertThat(writer.place(b, 0)).isEqualTo(size);
        byte[] c = filled(size, 3);
        // c fits neither behind b nor, while a is held, at the front
        assertThat(writer.place(c, 0)).isEqualTo(-1);
        // a released: c wraps to the front, and the skipped tail is accounted with it
        assertThat(writer.place(c, afterA)).isZero();
        assertThat(writer.end() - afterA).isEqualTo(capacity); // b, the padding, and c: the whole ring in use
        assertThat(reader.copyOut(size, size, "t")).isEqualTo(b);
        assertThat(reader.copyOut(0, size, "t")).isEqualTo(c);
    }

    @Test
    void shouldRefuseAReferenceOutsideTheArena() {
        assertThatThrownBy(() -> reader.copyOut(capacity - 10, 11, "reader"))
                .isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("reader")
                .hasMessageContaining("outside");
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
