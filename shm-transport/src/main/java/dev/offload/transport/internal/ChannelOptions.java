package dev.offload.transport.internal;

/**
 * The transport's own settings, so this module depends on nothing else of Offload's.
 *
 * @param maxFrameBytes largest payload accepted on send and on receive
 * @param spinNanos     how long a shm reader spins before it sleeps on its doorbell (0: never spins)
 */
public record ChannelOptions(long maxFrameBytes, long spinNanos) {

    /** Largest handler name on the wire; class names are far shorter. */
    public static final int MAX_HANDLER_BYTES = 1024;

    /** Largest maxFrameBytes: leaves room for the header and handler below the largest array. */
    public static final long MAX_FRAME_BYTES_LIMIT = Integer.MAX_VALUE - 8 - FrameCodec.HEADER_BYTES - MAX_HANDLER_BYTES;

    public ChannelOptions {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be >= 1 (got " + maxFrameBytes + ")");
        }
        // A whole frame (header + handler + payload) must fit in an int and a Java array.
        if (maxFrameBytes > MAX_FRAME_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxFrameBytes must be <= " + MAX_FRAME_BYTES_LIMIT
                    + " (just under 2 GiB; got " + maxFrameBytes + ")");
        }
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spinNanos must be >= 0 (got " + spinNanos + ")");
        }
    }

    public static ChannelOptions defaults() {
        return new ChannelOptions(16L << 20, 100_000);
    }
}
