package dev.offload.transport.internal;

/** A frame to send is over the channel's {@code maxFrameBytes}; nothing was written. */
public class FrameTooLargeException extends ChannelException {
    private final long size;
    private final long limit;

    public FrameTooLargeException(long size, long limit) {
        super("frame payload of " + size + " bytes exceeds transport.maxFrameBytes (" + limit + " bytes)");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
