package dev.offload.cluster.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** The n-th Fibonacci number, after sleeping the given milliseconds (the job's own work). */
public class Fib implements JobHandler<Fib.Input, Long> {

    public record Input(int n, int sleepMillis) {
    }

    @Override
    public Long handle(Input input, JobContext context) throws InterruptedException {
        if (input.sleepMillis() > 0) {
            Thread.sleep(input.sleepMillis());
        }
        return fib(input.n());
    }

    public static long fib(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long next = a + b;
            a = b;
            b = next;
        }
        return a;
    }
}
