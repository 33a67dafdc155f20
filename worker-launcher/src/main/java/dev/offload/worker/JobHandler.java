package dev.offload.worker;

/**
 * Code that runs inside a worker JVM. An implementation is a public class with a public no-arg
 * constructor; each worker makes one instance and reuses it for every job it runs, one job at a
 * time.
 *
 * <p>{@code I} and {@code O} are decoded and encoded with Jackson (records, collections and plain
 * objects; {@code byte[]} passes through untouched), so they must be concrete in the class's
 * declaration: {@code class Fib implements JobHandler<FibInput, FibResult>}.
 *
 * @param <I> the job's input
 * @param <O> the job's result
 */
@FunctionalInterface
public interface JobHandler<I, O> {

    /**
     * Runs one job. A thrown exception reaches the caller as {@code JobFailedException} with its
     * type, message and stack trace.
     */
    O handle(I input, JobContext context) throws Exception;
}
