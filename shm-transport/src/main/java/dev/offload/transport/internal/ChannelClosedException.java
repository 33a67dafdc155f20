package dev.offload.transport.internal;

/** The peer ended the stream at a frame boundary, or this side closed the channel. */
public class ChannelClosedException extends ChannelException {
    public ChannelClosedException(String message) {
        super(message);
    }
}
