package dev.offload.launcher.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Forwards a worker's stderr to the parent's log, a line at a time, tagged with the worker's id,
 * and keeps the last lines for crash reports.
 */
final class StderrPump implements Runnable {
    static final int TAIL_LINES = 20;
    private static final Logger LOG = LoggerFactory.getLogger("dev.offload.worker.stderr");

    /** Takes lines another class reports in its own way (the JVM's word on a class archive). */
    @FunctionalInterface
    interface LineFilter {
        LineFilter NONE = (workerId, line) -> false;

        /** True when the line was handled and should not be logged as it is. */
        boolean handled(String workerId, String line);
    }

    private final InputStream stderr;
    private final String workerId;
    private final LineFilter filter;
    private final ArrayDeque<String> tail = new ArrayDeque<>(TAIL_LINES);
    private final CountDownLatch done = new CountDownLatch(1);

    StderrPump(InputStream stderr, String workerId, LineFilter filter) {
        this.stderr = stderr;
        this.workerId = workerId;
        this.filter = filter;
    }

    static StderrPump start(InputStream stderr, String workerId, LineFilter filter) {
        StderrPump pump = new StderrPump(stderr, workerId, filter);
        Thread thread = new Thread(pump, "offload-stderr-" + workerId);
        thread.setDaemon(true);
        thread.start();
        return pump;
    }

    @Override
    public void run() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                if (!filter.handled(workerId, line)) {
                    LOG.info("[worker {}] {}", workerId, line);
                }
            }
        } catch (IOException e) {
            // the stream closes when the worker dies; nothing more will come
        } finally {
            done.countDown();
        }
    }

    /**
     * The last lines written so far; waits up to {@code waitMillis} for the stream's end first, so
     * that the lines a dying worker printed are included.
     */
    List<String> tail(long waitMillis) {
        try {
            done.await(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }
}
