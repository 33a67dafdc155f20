package dev.offload.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @ParameterizedTest
    @CsvSource({
            "500ns, PT0.0000005S",
            "20us, PT0.00002S",
            "20µs, PT0.00002S",
            "250ms, PT0.25S",
            "15s, PT15S",
            "2m, PT2M",
            "1h, PT1H",
            "0, PT0S",
            "0s, PT0S",
            "' 15s ', PT15S",
            "-5s, PT-5S",
    })
    void shouldParseDurationsWithEveryUnit(String text, String iso) {
        assertThat(Units.parseDuration(text, "jobs.timeout")).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "250", "-3"})
    void shouldRequireAUnitOnBareNonZeroDurations(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text, "jobs.timeout"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobs.timeout")
                .hasMessageContaining("\"" + text + "\"")
                .hasMessageContaining("needs a unit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "1.5s", "15 seconds", "15S", "", "s", "1d"})
    void shouldRejectMalformedDurationsNamingKeyAndValue(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text, "workers.idleTimeout"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers.idleTimeout")
                .hasMessageContaining("\"" + text + "\"")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("workers.idleTimeout"));
    }

    @Test
    void shouldRejectDurationsTooLargeForNanoseconds() {
        assertThatThrownBy(() -> Units.parseDuration("3000000h", "jobs.timeout"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> Units.parseDuration("99999999999999999999s", "jobs.timeout"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource({
            "512, 512",
            "0, 0",
            "64k, 65536",
            "64K, 65536",
            "64kb, 65536",
            "64KB, 65536",
            "16m, 16777216",
            "16MB, 16777216",
            "1g, 1073741824",
            "1Gb, 1073741824",
            "100b, 100",
            "' 2m ', 2097152",
            "-1m, -1048576",
    })
    void shouldParseSizesCaseInsensitively(String text, long bytes) {
        assertThat(Units.parseSize(text, "transport.maxFrameBytes")).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "1.5m", "16mib", "m", "", "1t"})
    void shouldRejectMalformedSizesNamingKeyAndValue(String text) {
        assertThatThrownBy(() -> Units.parseSize(text, "workers.heap"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("workers.heap")
                .hasMessageContaining("\"" + text + "\"");
    }

    @Test
    void shouldRejectSizesThatOverflowALong() {
        assertThatThrownBy(() -> Units.parseSize("9999999999999g", "workers.heap"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource({
            "PT60S, 60s",
            "PT1H, 3600s",
            "PT0.5S, 500ms",
            "PT0.00002S, 20us",
            "PT0.0000005S, 500ns",
            "PT0S, 0s",
    })
    void shouldFormatDurationsInTheLargestExactUnitUpToSeconds(String iso, String text) {
        assertThat(Units.formatDuration(Duration.parse(iso))).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "512, 512", "1536, 1536", "65536, 64k", "268435456, 256m", "1073741824, 1g", "3145728, 3m"})
    void shouldFormatSizesInTheLargestExactUnit(long bytes, String text) {
        assertThat(Units.formatSize(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1s", "20us", "500ns", "250ms", "3600s", "0s"})
    void shouldReadBackWhatItFormats(String text) {
        assertThat(Units.formatDuration(Units.parseDuration(text, "k"))).isEqualTo(text);
    }
}
