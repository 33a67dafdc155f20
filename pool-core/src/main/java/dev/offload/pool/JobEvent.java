package dev.offload.pool;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * JDK Flight Recorder: one per job the pool accepted, when it ends ({@link JfrEvents#job}). Enabled
 * in every recording (custom events are, by default), with no threshold, so a recording holds every
 * job; no stack trace (the thread that settles a job is the reader, not the submitter).
 */
@Name("dev.offload.Job")
@Label("Offload Job")
@Category("Offload")
@Description("A job that ended: which handler, on which worker, how long it waited and ran, and how it ended")
@StackTrace(false)
@Threshold("0 ms")
final class JobEvent extends jdk.jfr.Event {
    @Label("Handler")
    @Description("The handler's class name")
    String handler;

    @Label("Job Id")
    @Description("The job's id in its pool, from 1")
    long jobId;

    @Label("Attempt")
    @Description("The attempt that ended it, from 1; 0 if it never reached a worker")
    int attempt;

    @Label("Worker")
    @Description("The worker that held it last (w1, w2, ...); null if it never reached one")
    String worker;

    @Label("Worker PID")
    @Description("That worker's process id; 0 if none")
    long workerPid;

    @Label("Queue Time")
    @Description("From submit to its sending to the worker that ended it (the whole time, if it never reached one)")
    @Timespan(Timespan.NANOSECONDS)
    long queueTime;

    @Label("Run Time")
    @Description("The handler's run time as the worker measured it; for a job that did not answer, its time on the worker")
    @Timespan(Timespan.NANOSECONDS)
    long runTime;

    @Label("Total Time")
    @Description("From submit to its end")
    @Timespan(Timespan.NANOSECONDS)
    long totalTime;

    @Label("Outcome")
    @Description("completed, failed (the handler threw, or the pool closed first), timeout, crashed or cancelled")
    String outcome;

    @Label("Error")
    @Description("For a job that did not complete: what happened, as the caller's exception says it")
    String error;
}
