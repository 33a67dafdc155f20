package dev.offload.service.async;

import java.util.Locale;

/** Where an asynchronous job is: waiting for a place in the pool, handed to it, or finished one of three ways. */
public enum JobState {
    /** Accepted (and journaled), waiting for a place in the pool. */
    QUEUED,
    /** Handed to the pool: running on a worker, here or on another host. */
    RUNNING,
    DONE,
    /** The handler threw, timed out, or its worker died on every attempt; the error is kept. */
    FAILED,
    CANCELLED;

    /** As the HTTP answers spell it: {@code queued}, {@code running}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
