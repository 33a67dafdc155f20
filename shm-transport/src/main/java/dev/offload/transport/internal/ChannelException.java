package dev.offload.transport.internal;

import java.io.IOException;

/** Root of the transport's failures. */
public class ChannelException extends IOException {
    public ChannelException(String message) {
        super(message);
    }

    public ChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
