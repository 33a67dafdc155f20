package dev.offload.launcher.internal;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import dev.offload.transport.internal.shm.ShmChannel;
import dev.offload.transport.internal.shm.SpinGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running worker JVM as the parent sees it: its process, its channel and its stderr. Closing it
 * says BYE, waits a bounded time for the process to exit, then kills it.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);
    private final String id;
    private final Process process;
    private final Channel channel;
    private final StderrPump stderr;
    private final Path shmDir;
    private volatile boolean closed;
    /** Started over pipes to stand in for a shm worker while this JVM readies shared memory; set before it is published. */
    private boolean standIn;

    WorkerProcess(String id, Process process, Channel channel, StderrPump stderr, Path shmDir) {
        this.id = id;
        this.process = process;
        this.channel = channel;
        this.stderr = stderr;
        this.shmDir = shmDir;
    }

    public String id() {
        return id;
    }

    public long pid() {
        return process.pid();
    }

    public Channel channel() {
        return channel;
    }

    /** "shm" or "pipe": the channel really in use for this worker. */
    public String transport() {
        return channel.kind();
    }

    /**
     * True for a pipe worker that stands in for a shm worker during a pool's start (see
     * {@link WorkerLauncher#startsOverPipeFirst}): the pool replaces it by a shm worker.
     */
    public boolean isStandIn() {
        return standIn;
    }

    WorkerProcess markStandIn() {
        standIn = true;
        return this;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the exit code when the process has ended, whoever ended it. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** The last lines of the worker's stderr; waits up to {@code waitMillis} for them to drain. */
    public List<String> stderrTail(long waitMillis) {
        return stderr.tail(waitMillis);
    }

    /** SIGKILL: for a worker that is hung, timed out, or must stop now. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Asks the worker to exit (BYE), waits up to {@code graceMillis}, then kills it. */
    public void close(long graceMillis) {
        if (closed) {
            return;
        }
        closed = true;
        if (channel instanceof ShmChannel shm && LOG.isDebugEnabled()) {
            LOG.debug("worker {} shm doorbell counts: parent reads {}, parent writes {}", id, shm.inboundCounters(), shm.outboundCounters());
        }
        if (process.isAlive()) {
            try {
                channel.send(Frame.control(FrameType.BYE));
            } catch (Exception e) {
                // the worker is dying or dead already: the kill below settles it
            }
        }
        channel.close();
        try {
            if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (shmDir != null) {
            releaseSpinSlots();
        }
        ShmChannel.discard(shmDir);
    }

    /** A worker killed while it spun would otherwise hold its slot of the pool's spin budget. */
    private void releaseSpinSlots() {
        try {
            SpinGate.forPool(shmDir.getParent()).releaseAll(process.pid());
        } catch (IOException e) {
            LOG.debug("cannot reach the spin gate of {}: {}", shmDir.getParent(), e.toString());
        }
    }


    @Override
    public void close() {
        close(2_000);
    }

    @Override
    public String toString() {
        return "worker " + id + " (pid " + process.pid() + ", " + channel.kind() + ")";
    }
}
