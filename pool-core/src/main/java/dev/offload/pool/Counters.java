package dev.offload.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The pool's counters, written from any pool thread, read by {@code stats()}. */
final class Counters {
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger starting = new AtomicInteger();
    final AtomicInteger busy = new AtomicInteger();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder restarts = new LongAdder();
    final LongAdder crashes = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    /** Jobs {@code submit()} gave straight to a slot spinning for work (not through the queue). */
    final LongAdder handedOver = new LongAdder();
    /** Of those, jobs whose JOB frame {@code submit()} wrote itself. */
    final LongAdder sentBySubmit = new LongAdder();
    /** Jobs whose answer the caller's own thread read, waiting in get/join. */
    final LongAdder readByCaller = new LongAdder();
    final LatencyStats queueWait = new LatencyStats();
    final LatencyStats runTime = new LatencyStats();
    final LatencyStats endToEnd = new LatencyStats();
}
