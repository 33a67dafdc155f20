package dev.offload.launcher.internal;

import java.io.IOException;

/** {@code transport.kind: shm} was asked for, and this JVM or machine cannot provide it. */
public class TransportUnavailableException extends IOException {
    public TransportUnavailableException(String message) {
        super(message);
    }
}
