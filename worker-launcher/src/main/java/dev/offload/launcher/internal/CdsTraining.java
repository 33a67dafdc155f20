package dev.offload.launcher.internal;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import dev.offload.worker.internal.PayloadCodec;
import dev.offload.worker.internal.TrainingJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The training worker {@link CdsArchive} has its archive made by, on {@code offload-cds}: a worker
 * like the pool's others (same command, same transport, started by the same launcher) that runs one
 * {@link TrainingJob} and exits, its JVM writing the archive as it goes.
 */
final class CdsTraining implements CdsArchive.Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(CdsTraining.class);
    private static final String ID = "cds";
    /** How long the JVM may take to write the archive after BYE before it is killed. */
    private static final long DUMP_MILLIS = 60_000;

    private final WorkerLauncher launcher;
    private volatile WorkerProcess worker;
    private volatile boolean aborted;

    CdsTraining(WorkerLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public int train(List<String> dumpFlags) throws IOException {
        WorkerProcess started;
        try {
            started = launcher.start(ID, launcher.transportKind().equals("shm"), dumpFlags, CdsTraining::quietCdsLine);
        } catch (WorkerStartException e) {
            if (e.exitCode() < 0) {
                throw e;
            }
            return e.exitCode();
        }
        worker = started;
        if (aborted) {
            started.kill(); // abort() came between the start and now: it saw no worker to kill
        }
        try {
            if (!launcher.isClosed() && !aborted) {
                started.channel().send(new Frame(FrameType.JOB, 1, 1, TrainingJob.class.getName(), 0,
                        PayloadCodec.encode(Map.of("text", "x", "number", 1, "list", List.of(1.5, true)))));
                awaitAnswer(started.channel());
            }
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (the training worker " + (started.isAlive() ? "is running"
                    : ExitStatus.describe(started.onExit().join())) + "; stderr: " + started.stderrTail(500) + ")", e);
        } finally {
            started.close(DUMP_MILLIS); // BYE; the JVM writes the archive as it exits
            worker = null;
        }
        try {
            return started.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the training worker did not report its exit: " + e, e);
        }
    }

    private static void awaitAnswer(Channel channel) throws IOException {
        while (true) {
            Frame frame = channel.receive();
            if (frame.type() == FrameType.RESULT || frame.type() == FrameType.ERROR) {
                return;
            }
        }
    }

    /** The JVM lists every class it leaves out of the archive (old class files, JFR events): DEBUG. */
    private static boolean quietCdsLine(String workerId, String line) {
        if (line.contains("][cds")) {
            LOG.debug("[worker {}] {}", workerId, line);
            return true;
        }
        return false;
    }

    @Override
    public void abort() {
        aborted = true;
        WorkerProcess running = worker;
        if (running != null) {
            running.kill();
        }
    }
}
