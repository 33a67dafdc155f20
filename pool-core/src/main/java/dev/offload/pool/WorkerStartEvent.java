package dev.offload.pool;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JDK Flight Recorder: a worker JVM said HELLO ({@link JfrEvents#workerStarted}). */
@Name("dev.offload.WorkerStart")
@Label("Offload Worker Start")
@Category("Offload")
@Description("A worker JVM started and said HELLO")
@StackTrace(false)
final class WorkerStartEvent extends jdk.jfr.Event {
    @Label("Worker")
    @Description("The worker's id in its pool (w1, w2, ...)")
    String worker;

    @Label("PID")
    long pid;

    @Label("Transport")
    @Description("shm or pipe: the channel really in use")
    String transport;

    @Label("Boot Time")
    @Description("From the start of the launch to the worker's HELLO")
    @Timespan(Timespan.NANOSECONDS)
    long bootTime;
}
