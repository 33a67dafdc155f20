package dev.offload.examples.bench;

import dev.offload.examples.handlers.NoOp;
import dev.offload.netty.NettyAnswerLoop;
import dev.offload.pool.AnswerLoop;
import dev.offload.pool.JobOptions;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * Figure 1: the round trip of a Vert.x event loop. Each no-op job is submitted from the callback
 * of the one before, on the loop, with the default config; shm, then pipe, in the same JVM. Two
 * ways to get the answer back onto the loop:
 * <ul>
 *   <li>{@code withExecutor}: {@code JobOptions.withExecutor(task -> context.runOnContext(...))},
 *       the future completes on the loop;</li>
 *   <li>{@code whenComplete + runOnContext}: the future completes on the pool's thread and the
 *       callback hops onto the loop itself (what the original report did).</li>
 * </ul>
 *
 * <pre>{@code java <chronicle.jvm.flags> -cp ... dev.offload.examples.bench.EventLoopRoundTrip [--jobs=50000] [--warmup=20000] [--transports=shm,pipe]}</pre>
 */
public final class EventLoopRoundTrip {
    private EventLoopRoundTrip() {
    }

    public static void main(String[] args) {
        Args a = Args.parse(args, "jobs", "warmup", "transports");
        int jobs = a.intValue("jobs", 50_000);
        int warmup = a.intValue("warmup", 20_000);
        Report.title(1, "Vert.x " + Vertx.class.getPackage().getImplementationVersion() + " event loop, next no-op job submitted from the callback, "
                + warmup + " warm-up", BenchConfig.defaults("auto"));
        Vertx vertx = Vertx.vertx();
        try {
            for (String transport : a.transports()) {
                try (WorkerPool pool = BenchConfig.start(BenchConfig.defaults(transport))) {
                    Context context = vertx.getOrCreateContext();
                    JobOptions onLoop = JobOptions.defaults().withExecutor(task -> context.runOnContext(v -> task.run()));

                    var viaExecutor = SequentialOnContext.run(context, warmup, jobs, (i, done) ->
                            pool.submit(NoOp.class, i, onLoop).whenComplete((result, failure) -> done.accept(failure)));
                    report("event loop: withExecutor", pool, viaExecutor);

                    var viaHop = SequentialOnContext.run(context, warmup, jobs, (i, done) ->
                            pool.submit(NoOp.class, i).whenComplete((result, failure) ->
                                    context.runOnContext(v -> done.accept(failure))));
                    report("event loop: whenComplete + runOnContext", pool, viaHop);

                    // The loop itself watches the workers' wake-ups: one wake-up per answer, the loop's.
                    try (AnswerLoop.Attachment reading = pool.readAnswersOn(
                            NettyAnswerLoop.of(((ContextInternal) context).nettyEventLoop()))) {
                        var onTheLoop = SequentialOnContext.run(context, warmup, jobs, (i, done) ->
                                pool.submit(NoOp.class, i, onLoop).whenComplete((result, failure) -> done.accept(failure)));
                        report("event loop: withExecutor, readAnswersOn(loop)", pool, onTheLoop);
                    }
                } catch (OffloadException e) {
                    Report.unavailable(1, "event loop", transport, e);
                }
            }
        } finally {
            vertx.close().await();
        }
    }

    private static void report(String caseName, WorkerPool pool, SequentialOnContext.Outcome outcome) {
        String offLoop = outcome.offLoop() == 0 ? "" : outcome.offLoop() + " callbacks ran off the event loop!";
        Report.latency(1, caseName, pool.stats().transport(), outcome.nanos(), offLoop);
    }
}
