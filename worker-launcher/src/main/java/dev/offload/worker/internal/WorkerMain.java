package dev.offload.worker.internal;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.ChannelClosedException;
import dev.offload.transport.internal.ChannelSpec;
import dev.offload.transport.internal.Channels;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import dev.offload.transport.internal.shm.ChronicleSupport;
import dev.offload.transport.internal.shm.DoorbellListener;
import dev.offload.transport.internal.shm.WorkerClaim;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * The main class of a worker JVM. The parent starts it with {@code OFFLOAD_CHANNEL} and
 * {@code OFFLOAD_TOKEN} in its environment; it answers HELLO, then runs jobs one at a time on this
 * thread, in the order they arrive, until the parent says BYE, closes the channel, or dies. The
 * parent may send several jobs ahead: they wait in the channel (or the inbox) and the next one
 * starts as soon as the last one is answered.
 */
public final class WorkerMain {

    private static final long PREPARE_WAIT_NANOS = 120_000_000_000L;
    private static final long PREPARE_POLL_NANOS = 1_000_000L;

    private WorkerMain() {
    }

    public static void main(String[] args) {
        System.exit(run());
    }

    /** The worker's life; returns its exit status. */
    private static int run() {
        // Before anything else (and before any user class loads): the real stdout belongs to the
        // channel, so System.out goes to stderr and a stray println cannot corrupt a frame.
        OutputStream channelOut = new FileOutputStream(FileDescriptor.out);
        InputStream channelIn = new FileInputStream(FileDescriptor.in);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        System.setIn(InputStream.nullInputStream());

        String id = System.getenv().getOrDefault(WorkerProtocol.ENV_WORKER_ID, "?");
        String specText = System.getenv(WorkerProtocol.ENV_CHANNEL);
        String token = System.getenv(WorkerProtocol.ENV_TOKEN);
        if (specText == null || token == null) {
            System.err.println("offload worker: " + WorkerProtocol.ENV_CHANNEL + " and " + WorkerProtocol.ENV_TOKEN
                    + " must be set; this class is started by an Offload WorkerPool, not by hand");
            return WorkerProtocol.EXIT_BAD_LAUNCH;
        }
        ParentWatchdog watchdog = ParentWatchdog.start(System.getenv(WorkerProtocol.ENV_PARENT_PID));

        Channel channel;
        WorkerClaim claim = null;
        try {
            ChannelSpec spec = ChannelSpec.parse(specText);
            if (spec.kind().equals(ChannelSpec.SHM)) {
                ChronicleSupport.initialiseInWorker();
                awaitPreparedChannel(spec.dir());
                claim = claim(spec.dir(), watchdog);
            } else if (System.getenv(WorkerProtocol.ENV_CLAIM_DIR) != null) {
                claim = claim(Path.of(System.getenv(WorkerProtocol.ENV_CLAIM_DIR)), watchdog); // a stand-in in a shm pool
            }
            channel = Channels.openWorkerSide(spec, channelIn, channelOut, "worker " + id);
        } catch (Exception | LinkageError e) {
            System.err.println("offload worker " + id + ": cannot open channel " + specText + ": " + e);
            return specText.startsWith("shm:") ? WorkerProtocol.EXIT_SHM_UNAVAILABLE : WorkerProtocol.EXIT_BAD_LAUNCH;
        }
        int status = new WorkerLoop(channel, Long.getLong(WorkerProtocol.PROP_HEARTBEAT_MS, 500), watchdog).run(token);
        channel.close();
        if (claim != null && watchdog.parentGone()) {
            claim.releaseAfterOwnerDied(watchdog.parentPid()); // the end of the channel was the parent's death
        }
        return status;
    }

    /**
     * Claims the worker's shm directory, so that if the parent dies without closing the pool, the
     * pool's last worker deletes it ({@link WorkerClaim}). Without a claim the worker still runs;
     * the next pool start sweeps what it leaves.
     */
    private static WorkerClaim claim(Path workerDir, ParentWatchdog watchdog) {
        try {
            WorkerClaim claim = WorkerClaim.claim(workerDir);
            watchdog.beforeExit(() -> claim.releaseAfterOwnerDied(watchdog.parentPid()));
            return claim;
        } catch (IOException | RuntimeException e) {
            System.err.println("offload worker: cannot claim " + workerDir + " (" + e + "); the next pool start will sweep it");
            return null;
        }
    }

    /**
     * Over shm the parent forks this JVM first and prepares the channel's files while it boots;
     * the doorbell it listens on is made last. Bounded: a parent that never gets there kills us,
     * or is gone and the watchdog ends us; past the bound, opening the channel says what is missing.
     */
    private static void awaitPreparedChannel(Path workerDir) {
        long deadline = System.nanoTime() + PREPARE_WAIT_NANOS;
        while (!DoorbellListener.isListening(workerDir) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(PREPARE_POLL_NANOS);
        }
    }

    /** Runs jobs until the conversation ends; returns the exit status. */
    static final class WorkerLoop {
        private final Channel channel;
        private final Inbox inbox = new Inbox();
        private final HandlerRegistry handlers = new HandlerRegistry(Thread.currentThread().getContextClassLoader());
        private final Heartbeat heartbeat;
        private final JobRunner runner;

        WorkerLoop(Channel channel, long heartbeatMs, ParentWatchdog watchdog) {
            this.channel = channel;
            this.heartbeat = new Heartbeat(channel, heartbeatMs);
            watchdog.watchBeats(heartbeat);
            this.runner = new JobRunner(channel, inbox, handlers, heartbeat);
        }

        int run(String token) {
            try {
                channel.send(new Frame(FrameType.HELLO, 0, 0, "", 0,
                        new Hello(ProcessHandle.current().pid(), channel.kind(), token).encode()));
                CodecWarmUp.startInBackground(); // after HELLO: started sooner, it slowed the channel's opening
                while (true) {
                    Frame frame = inbox.next(channel);
                    switch (frame.type()) {
                        case JOB -> runner.run(frame);
                        case BYE -> {
                            return 0;
                        }
                        case CANCEL -> {
                            // the job finished before the cancel arrived: nothing to stop
                        }
                        default -> System.err.println("offload worker: ignoring unexpected " + frame);
                    }
                }
            } catch (ChannelClosedException e) {
                return 0; // the parent closed our stdin: it is done with us
            } catch (Exception e) {
                System.err.println("offload worker: channel broken, exiting: " + e);
                return WorkerProtocol.EXIT_CHANNEL_BROKEN;
            } finally {
                heartbeat.close();
            }
        }
    }
}
