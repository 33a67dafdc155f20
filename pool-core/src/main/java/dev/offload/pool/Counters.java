package dev.offload.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The pool's counters, written from any pool thread, read by {@code stats()}. */
final class Counters {
    final AtomicInteger starting = new AtomicInteger();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder restarts = new LongAdder();
    final LongAdder crashes = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    /** Jobs whose JOB frame {@code submit()} wrote itself, straight into a worker's queue. */
    final LongAdder sentBySubmit = new LongAdder();
    /** Answers read by a caller waiting in get/join, leading (for tests and tuning). */
    final LongAdder readByCaller = new LongAdder();
    /** Times the reader thread woke from its sleep to a ringing doorbell or a request (for tuning). */
    final LongAdder readerWakeups = new LongAdder();
    /** Naps of the reader thread while many jobs were in flight, instead of a sleep on the doorbells (for tests and tuning). */
    final LongAdder readerNaps = new LongAdder();
    /** Times an attached answer loop heard a doorbell (for tests and tuning). */
    final LongAdder loopWakeups = new LongAdder();
    /** Answers an attached loop caught by sweeping on briefly, with no doorbell rung (for tests and tuning). */
    final LongAdder loopSweepsCaught = new LongAdder();
    /**
     * Sleeps of the reader thread that ended by the safety net's time and then found the answer to a
     * job sent at least 50 ms before: lost wake-ups.
     */
    final LongAdder lateReads = new LongAdder();
    /** Times a submit woke the supervisor from its idle tick (for tests and tuning). */
    final LongAdder supervisorWokenByWork = new LongAdder();
    /** Supervisor ticks that found jobs waiting while a worker had credit, and asked for a dispatch (a safety net). */
    final LongAdder dispatchNudges = new LongAdder();
    /** Times an attached loop left a worker's answers to the reader thread, reading them might have waited. */
    final LongAdder readsLeftToReaderThread = new LongAdder();
    /** Jobs taken back, unstarted, from a worker that had not answered for a while, and sent to another (for tests and tuning). */
    final LongAdder withdrawn = new LongAdder();
    final LatencyStats queueWait = new LatencyStats();
    final LatencyStats runTime = new LatencyStats();
    final LatencyStats endToEnd = new LatencyStats();
}
