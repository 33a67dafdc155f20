package dev.offload.transport.internal.shm;

/**
 * The two one-way queues between the parent and a worker. Each has exactly one writer (the side
 * it starts from) and one reader.
 */
enum Direction {
    /** Parent to worker: JOB, CANCEL, BYE. */
    P2W("p2w"),
    /** Worker to parent: HELLO, RESULT, ERROR, PROGRESS, HEARTBEAT, BYE. */
    W2P("w2p");

    private final String dirName;

    Direction(String dirName) {
        this.dirName = dirName;
    }

    /** The queue's folder inside the worker directory. */
    String dirName() {
        return dirName;
    }
}
