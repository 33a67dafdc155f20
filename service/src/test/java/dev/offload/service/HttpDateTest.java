package dev.offload.service;

import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/** The Date header in HTTP's one fixed format (RFC 9110, 5.6.7), whatever the JVM's locale. */
class HttpDateTest {
    @Test
    void theFirstOfAMonthHasATwoDigitDay() {
        long second = ZonedDateTime.of(2026, 12, 1, 23, 57, 40, 0, ZoneOffset.UTC).toEpochSecond();
        assertThat(HttpAnswer.httpDate(second)).isEqualTo("Tue, 01 Dec 2026 23:57:40 GMT");
    }

    @Test
    void theEpochIsThursday() {
        assertThat(HttpAnswer.httpDate(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(HttpAnswer.httpDate(1_000_000_000L)).isEqualTo("Sun, 09 Sep 2001 01:46:40 GMT");
    }
}
