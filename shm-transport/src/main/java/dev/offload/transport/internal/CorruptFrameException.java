package dev.offload.transport.internal;

/**
 * The bytes on the channel are not a valid frame: bad magic, unknown type, a length over the
 * limit, or the stream ended in the middle of a frame. The channel cannot recover from this.
 */
public class CorruptFrameException extends ChannelException {
    public CorruptFrameException(String message) {
        super(message);
    }
}
