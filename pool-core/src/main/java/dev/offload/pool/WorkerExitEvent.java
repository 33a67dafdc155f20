package dev.offload.pool;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JDK Flight Recorder: a worker JVM ended, or never came up ({@link JfrEvents#workerExited}). */
@Name("dev.offload.WorkerExit")
@Label("Offload Worker Exit")
@Category("Offload")
@Description("A worker JVM exited (retired, stopped, killed or crashed) or failed to start")
@StackTrace(false)
final class WorkerExitEvent extends jdk.jfr.Event {
    @Label("Worker")
    @Description("The worker's id in its pool (w1, w2, ...)")
    String worker;

    @Label("PID")
    @Description("0 for a worker that failed to start")
    long pid;

    @Label("Exit Code")
    @Description("128 + n when killed by signal n; -1 when unknown (a start that timed out)")
    int exitCode;

    @Label("Reason")
    @Description("Why it ended: why the pool stopped or killed it, else how it exited by itself")
    String reason;
}
