package dev.offload.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The forked benchmark JVM, for every benchmark in this module: each benchmark class extends this
 * one and inherits its {@code @Fork}, {@code @Warmup} and {@code @Measurement} (JMH looks up the
 * class hierarchy).
 *
 * <p>Chronicle Queue needs the {@code --add-exports/--add-opens} flags in every JVM that opens a
 * queue, and JMH starts each benchmark in a fresh JVM with {@code -cp benchmarks.jar}, where the
 * jar's manifest {@code Add-Opens} does not apply. {@link BenchMain}, the jar's main class, adds them
 * (and Chronicle's quiet properties) with {@code -jvmArgsPrepend}, read from the list the build
 * generates from the parent pom: an annotation could only hold a copy. Run through
 * {@code org.openjdk.jmh.Main} instead, a benchmark forks without them and the shm cases fail.
 *
 * <p>The options here are appended ({@code jvmArgsAppend}), so {@code -jvmArgs} on the command line
 * (a JFR recording, a heap size) adds to them; {@code -jvmArgsAppend} on the command line replaces them.
 *
 * <p>Defaults fit a 2-core machine: one fork, 3 × 2 s warm-up, 3 × 3 s measurement, about 16 s per
 * parameter combination including the fork and the pool's start.
 */
@Fork(value = 1, jvmArgsAppend = {
        // The pool logs each start and stop at INFO; between JMH's lines that is noise.
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Xms1g",
        "-Xmx1g"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 3, timeUnit = TimeUnit.SECONDS)
public abstract class BenchmarkJvm {
}
