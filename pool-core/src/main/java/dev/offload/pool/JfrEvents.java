package dev.offload.pool;

import dev.offload.launcher.internal.ExitStatus;
import dev.offload.launcher.internal.WorkerProcess;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;

/**
 * Emits the pool's JDK Flight Recorder events: {@code dev.offload.Job} ({@link JobEvent}),
 * {@code dev.offload.WorkerStart} and {@code dev.offload.WorkerExit}. While no recording runs a
 * call costs a volatile read and a branch, and allocates nothing: an event is created only once
 * its type is enabled. JFR itself is not touched before a recording has started in this JVM
 * ({@code -XX:StartFlightRecording}, {@code jcmd <pid> JFR.start}, {@code new Recording()}):
 * asking for an event type initialises JFR, some 170 ms that a pool nobody records must not pay.
 * Stateless; called from any pool thread.
 */
final class JfrEvents {

    private JfrEvents() {
    }

    /** Initialised on first use: only once a recording has started (the {@code isInitialized()} checks). */
    private static final class Types {
        static final EventType JOB = EventType.getEventType(JobEvent.class);
        static final EventType WORKER_START = EventType.getEventType(WorkerStartEvent.class);
        static final EventType WORKER_EXIT = EventType.getEventType(WorkerExitEvent.class);
    }

    /**
     * A job ended. {@code link}: the worker that held it last, or null; {@code runNanos}: the
     * handler's run time the worker reported, or -1 when it did not answer; {@code failure}: null
     * when it completed.
     */
    static void job(Job job, WorkerLink link, long runNanos, Throwable failure) {
        if (FlightRecorder.isInitialized() && Types.JOB.isEnabled()) {
            commitJob(job, link, runNanos, failure);
        }
    }

    /** A cancelled job ({@code JobFuture.cancel}): the worker holding it, if any, is {@code job.link}. */
    static void cancelled(Job job) {
        if (FlightRecorder.isInitialized() && Types.JOB.isEnabled()) {
            commitJob(job, job.link, -1, "cancelled", "cancelled by its caller");
        }
    }

    static void workerStarted(WorkerProcess worker, long startNanos) {
        if (FlightRecorder.isInitialized() && Types.WORKER_START.isEnabled()) {
            WorkerStartEvent event = new WorkerStartEvent();
            event.worker = worker.id();
            event.pid = worker.pid();
            event.transport = worker.transport();
            event.bootTime = startNanos;
            event.commit();
        }
    }

    /** {@code pid} 0 for a worker that never came up. */
    static void workerExited(String worker, long pid, int exitCode, String reason) {
        if (FlightRecorder.isInitialized() && Types.WORKER_EXIT.isEnabled()) {
            WorkerExitEvent event = new WorkerExitEvent();
            event.worker = worker;
            event.pid = pid;
            event.exitCode = exitCode;
            event.reason = reason;
            event.commit();
        }
    }

    /** Why a worker that said HELLO exited: the pool's reason if it stopped or killed it, else how it ended. */
    static String exitReason(WorkerLink link, int exitCode) {
        String killed = link.killReason;
        if (killed != null) {
            return killed;
        }
        String retired = link.retireReason;
        return retired != null ? retired : "ended by itself: " + ExitStatus.describe(exitCode);
    }

    private static void commitJob(Job job, WorkerLink link, long runNanos, Throwable failure) {
        commitJob(job, link, runNanos, outcome(failure), failure == null ? null : failure.getMessage());
    }

    private static void commitJob(Job job, WorkerLink link, long runNanos, String outcome, String error) {
        long now = System.nanoTime();
        long sent = job.sentAt;
        JobEvent event = new JobEvent();
        event.handler = job.handler;
        event.jobId = job.id;
        event.attempt = job.attempts;
        if (link != null) {
            event.worker = link.id();
            event.workerPid = link.worker.pid();
        }
        event.queueTime = (sent == 0 ? now : sent) - job.submittedAt;
        event.runTime = runNanos >= 0 ? runNanos : sent == 0 ? 0 : now - sent;
        event.totalTime = now - job.submittedAt;
        event.outcome = outcome;
        event.error = error;
        event.commit();
    }

    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "completed";
        }
        if (failure instanceof JobTimeoutException) {
            return "timeout";
        }
        if (failure instanceof WorkerCrashedException) {
            return "crashed";
        }
        return "failed";
    }
}
