package dev.offload.service;

import java.time.Duration;

/**
 * What the HTTP front door allows a client, named after the {@code offload serve} options that set
 * each value. Immutable; validated on construction.
 *
 * @param ioThreads      event-loop threads ({@code --io-threads})
 * @param maxConnections open connections at once; one more is answered 503 and closed ({@code --max-connections})
 * @param maxHeaderBytes the request line and headers of one request; more is 431 ({@code --max-header-bytes})
 * @param headerTimeout  from a request's first bytes to the end of its headers; then 408 ({@code --header-timeout})
 * @param bodyTimeout    from the end of a request's headers to the end of its body; then 408 ({@code --body-timeout})
 * @param idleTimeout    a connection that owes no answer and sends nothing this long is closed ({@code --idle-timeout})
 */
record HttpLimits(int ioThreads, int maxConnections, int maxHeaderBytes, Duration headerTimeout, Duration bodyTimeout,
                  Duration idleTimeout) {
    static final int MAX_IO_THREADS = 256;
    /** Below this a request line alone may not fit. */
    static final int MIN_HEADER_BYTES = 1024;
    static final int MAX_HEADER_BYTES = 1 << 20;

    HttpLimits {
        check(ioThreads >= 1 && ioThreads <= MAX_IO_THREADS, "--io-threads", "between 1 and " + MAX_IO_THREADS, ioThreads);
        check(maxConnections >= 1, "--max-connections", "at least 1", maxConnections);
        check(maxHeaderBytes >= MIN_HEADER_BYTES && maxHeaderBytes <= MAX_HEADER_BYTES, "--max-header-bytes",
                "between " + MIN_HEADER_BYTES + " and " + MAX_HEADER_BYTES, maxHeaderBytes);
        positive(headerTimeout, "--header-timeout");
        positive(bodyTimeout, "--body-timeout");
        positive(idleTimeout, "--idle-timeout");
    }

    static HttpLimits defaults() {
        return new HttpLimits(1, 1024, 8192, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    HttpLimits withTimeouts(Duration header, Duration body, Duration idle) {
        return new HttpLimits(ioThreads, maxConnections, maxHeaderBytes, header, body, idle);
    }

    HttpLimits withMaxConnections(int max) {
        return new HttpLimits(ioThreads, max, maxHeaderBytes, headerTimeout, bodyTimeout, idleTimeout);
    }

    /** The shortest of the three read timeouts: no deadline can be missed by checking this often. */
    long shortestTimeoutNanos() {
        return Math.min(headerTimeout.toNanos(), Math.min(bodyTimeout.toNanos(), idleTimeout.toNanos()));
    }

    private static void check(boolean ok, String option, String expected, int got) {
        if (!ok) {
            throw new IllegalArgumentException(option + " must be " + expected + " (got " + got + ")");
        }
    }

    private static void positive(Duration timeout, String option) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(option + " must be a positive duration such as 500ms, 10s or 2m (got "
                    + DurationOption.format(timeout) + ")");
        }
    }
}
