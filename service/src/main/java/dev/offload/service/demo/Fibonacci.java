package dev.offload.service.demo;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/**
 * The n-th Fibonacci number by naive recursion: deliberately CPU-bound (fib(40) takes about a
 * second), which is what a worker pool is for. {@code {"n": 30}} gives {@code {"n": 30, "value": 832040}}.
 */
public final class Fibonacci implements JobHandler<Fibonacci.Input, Fibonacci.Result> {
    /** fib(92) is the largest that fits in a long. */
    static final int MAX_N = 92;

    /** Validated on construction, so a bad request fails when it is decoded, in the caller's JVM. */
    public record Input(int n) {
        public Input {
            if (n < 0 || n > MAX_N) {
                throw new IllegalArgumentException("n must be between 0 and " + MAX_N + " (got " + n + ")");
            }
        }
    }

    public record Result(int n, long value) {
    }

    @Override
    public Result handle(Input input, JobContext context) {
        return new Result(input.n(), fib(input.n()));
    }

    static long fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }
}
