package dev.offload.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The forked benchmark JVM, for every benchmark in this module: each benchmark class extends this
 * one and inherits its {@code @Fork}, {@code @Warmup} and {@code @Measurement} (JMH looks up the
 * class hierarchy). This is the one place the JVM flags are written down.
 *
 * <p>Why here and not in a {@code String[]} constant: an annotation element cannot refer to an
 * array constant, only to an array initializer, so the list has to be spelled inside one
 * annotation. Chronicle Queue needs the {@code --add-exports/--add-opens} flags in every JVM that
 * opens a queue, and JMH starts each benchmark in a fresh JVM with {@code -cp benchmarks.jar}, where
 * the jar's manifest {@code Add-Opens} does not apply. Keep the list in step with
 * {@code chronicle.jvm.flags} and {@code chronicle.quiet.props} in the parent pom.
 *
 * <p>The flags are appended ({@code jvmArgsAppend}), so {@code -jvmArgs} or {@code -jvmArgsPrepend}
 * on the command line (a JFR recording, a heap size) adds to them; {@code -jvmArgsAppend} on the
 * command line would replace them.
 *
 * <p>Defaults fit a 2-core machine: one fork, 3 × 2 s warm-up, 3 × 3 s measurement, about 16 s per
 * parameter combination including the fork and the pool's start.
 */
@Fork(value = 1, jvmArgsAppend = {
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        "-Dchronicle.announcer.disable=true",
        "-Djvm.resource.tracing=false",
        "-Dchronicle.disk.monitor.disable=true",
        // The pool logs each start and stop at INFO; between JMH's lines that is noise.
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Xms1g",
        "-Xmx1g"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 3, timeUnit = TimeUnit.SECONDS)
public abstract class BenchmarkJvm {
}
