package dev.offload.service.async;

/** {@code journal.dir} cannot be used: not writable, not a directory, or in use by another service. */
public final class JournalUnusableException extends RuntimeException {

    JournalUnusableException(String message, Throwable cause) {
        super(message, cause);
    }
}
