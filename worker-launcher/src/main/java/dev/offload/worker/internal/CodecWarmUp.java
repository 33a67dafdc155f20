package dev.offload.worker.internal;

/**
 * The thread {@code offload-codec-warmup}: builds the JSON codec once, at a worker's start, so that
 * a worker spends its start-up rather than its first job on Jackson's classes (on a cold JVM, 100 ms
 * for the type factory and 150-350 ms for the mapper). A job that needs the codec before the warm-up
 * is done waits only for what is left of it: the JVM's class initialisation is the lock.
 *
 * <p>A class of its own so that starting it initialises nothing: calling a static method of
 * {@link PayloadCodec}, or making a lambda there, would run the codec's class initialisation on
 * the caller's thread, the worker's main thread.
 */
final class CodecWarmUp implements Runnable {

    private CodecWarmUp() {
    }

    /** Starts the warm-up on a short-lived daemon thread and returns at once. */
    static void startInBackground() {
        Thread thread = new Thread(new CodecWarmUp(), "offload-codec-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        PayloadCodec.warmUp();
    }
}
