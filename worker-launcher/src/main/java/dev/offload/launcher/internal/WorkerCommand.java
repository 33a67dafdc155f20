package dev.offload.launcher.internal;

import dev.offload.config.PoolConfig;
import dev.offload.transport.internal.shm.ChronicleSupport;
import dev.offload.worker.internal.WorkerMain;
import dev.offload.worker.internal.WorkerProtocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The command line and environment of a worker JVM. Built as a list of arguments for
 * {@link ProcessBuilder}: no shell ever sees them.
 */
final class WorkerCommand {
    private static final Path NICE = Path.of("/usr/bin/nice");
    /**
     * The JVM writes its own warnings (unified logging) and VM messages to stdout by default, and a
     * worker's stdout is its pipe channel (or, over shm, its doorbell): a stale class archive, a
     * full code cache or a deprecated flag would corrupt the channel or be lost. They go to stderr,
     * which the parent logs. A user's {@code -Xlog} in {@code workers.jvmArgs} comes later and wins.
     */
    static final List<String> VM_OUTPUT_TO_STDERR = List.of(
            "-Xlog:disable", "-Xlog:all=warning:stderr:uptime,level,tags", "-XX:+DisplayVMOutputToStderr");
    /**
     * No hsperfdata counters in a worker: the JVM's statistics sampler that keeps them (for
     * {@code jstat} and {@code jps}) wakes 20 times a second, and an idle worker should cost
     * nothing. Figure 6 (an idle shm pool over 30 s): each worker 0.07-0.10 % of a core without it,
     * 0.17 % with it. {@code jcmd <pid>} and attach-based profilers still reach a worker by its pid;
     * {@code -XX:+UsePerfData} in {@code workers.jvmArgs} comes later and wins.
     */
    static final List<String> NO_PERF_DATA = List.of("-XX:-UsePerfData");
    /**
     * Fewer housekeeping wake-ups of an idle worker's JVM. Its monitor-deflation thread looks every
     * 250 ms whether idle monitors need deflating (JDK 17's {@code AsyncDeflationInterval}, a
     * diagnostic flag): every 2 s will do for a process that runs one job at a time. On JDK 17-19
     * G1's service thread samples the remembered sets every 300 ms
     * ({@code G1ConcRefinementServiceIntervalMillis}, gone from JDK 20 on, where the task is gone
     * too): every 2 s. Measured in an idle worker on a VM where a wake-up cost 60-250 µs of CPU:
     * the two threads ran 8.3 times a second, 0.16 % of a core (figure 6, BENCHMARKS.md). Flags in
     * {@code workers.jvmArgs} come later and win.
     */
    static List<String> quietHousekeeping(int feature) {
        List<String> flags = new ArrayList<>(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:AsyncDeflationInterval=2000"));
        if (feature < 20) {
            flags.add("-XX:G1ConcRefinementServiceIntervalMillis=2000");
        }
        return flags;
    }
    /**
     * A worker's garbage collector, unless {@code workers.jvmArgs} chooses one: the serial collector.
     * A worker runs one job at a time on one thread, so a collector's parallel and concurrent threads
     * buy it little and cost it pauses and wake-ups. Measured on a 2-core VM, {@code offload serve}
     * under {@code wrk -c16} with fib 15 (two rounds of 3 runs each, BENCHMARKS.md): a worker's young
     * pauses 1.0-2.4 ms against G1's 7-16 ms, the service's p99 4.4-8.9 ms against 8.7-10.7 ms and
     * 35-41k requests/s against 23-33k, once warm (a worker's first two young collections, 10-20 s
     * after its start, still took 34-114 ms: the heap's pages touched for the first time); an idle
     * shm pool 0.83 % of a core against 0.87-0.93 %; a worker's start unchanged (first job at
     * 524-564 ms of uptime either way). A handler that keeps a large heap live may want another:
     * {@code -XX:+UseG1GC} (or another collector's flag) in {@code workers.jvmArgs}, or in
     * {@code JAVA_TOOL_OPTIONS} or {@code JDK_JAVA_OPTIONS} among {@code workers.env}, replaces this
     * one: a JVM given two collectors does not start.
     */
    static final String DEFAULT_COLLECTOR = "-XX:+UseSerialGC";
    private static final Pattern COLLECTOR_CHOICE =
            Pattern.compile("-XX:[+-]Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");
    private static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    /** {@link #DEFAULT_COLLECTOR}, unless the worker's arguments or option variables choose a collector. */
    static List<String> collector(PoolConfig config) {
        List<String> given = new ArrayList<>(config.workerJvmArgs());
        for (String variable : OPTION_VARIABLES) {
            String options = config.workerEnv().get(variable);
            if (options != null) {
                given.addAll(List.of(options.trim().split("\\s+")));
            }
        }
        return given.stream().anyMatch(arg -> COLLECTOR_CHOICE.matcher(arg).matches()) ? List.of() : List.of(DEFAULT_COLLECTOR);
    }

    /** Parent variables a worker keeps; everything else is left out unless configured. */
    private static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR");

    private WorkerCommand() {
    }

    static List<String> command(PoolConfig config) {
        return command(config, List.of());
    }

    /** {@code classArchiveFlags} (AppCDS) come before {@code workers.jvmArgs}, so a user's own wins. */
    static List<String> command(PoolConfig config, List<String> classArchiveFlags) {
        List<String> cmd = new ArrayList<>();
        if (config.workerNice() > 0 && Files.isExecutable(NICE)) {
            // nice(1) execs the JVM: the worker keeps the pid we watch, at a lower priority. No shell.
            cmd.add(NICE.toString());
            cmd.add("-n");
            cmd.add(Integer.toString(config.workerNice()));
        }
        cmd.addAll(jvmCommand(config, classArchiveFlags));
        return cmd;
    }

    /** The {@code java} command itself, without the {@code nice} in front. */
    static List<String> jvmCommand(PoolConfig config, List<String> classArchiveFlags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (config.workerHeapBytes() > 0) {
            cmd.add("-Xmx" + config.workerHeap());
        }
        cmd.addAll(ChronicleSupport.jvmFlags()); // module access, JDK 23+ allowances, quiet properties
        cmd.addAll(VM_OUTPUT_TO_STDERR);
        cmd.addAll(NO_PERF_DATA);
        cmd.addAll(quietHousekeeping(Runtime.version().feature()));
        cmd.addAll(collector(config));
        cmd.add("-D" + WorkerProtocol.PROP_HEARTBEAT_MS + "=" + config.heartbeatInterval().toMillis());
        cmd.addAll(classArchiveFlags);
        cmd.addAll(config.workerJvmArgs());
        cmd.add("-cp");
        cmd.add(classPath(config));
        cmd.add(WorkerMain.class.getName());
        return cmd;
    }

    /** The workers' class path: {@code workers.classPath}, else the parent's. */
    static String classPath(PoolConfig config) {
        return config.workerClassPath().orElse(System.getProperty("java.class.path"));
    }

    static Map<String, String> environment(PoolConfig config, String workerId, String channelSpec, String token) {
        return environment(config, workerId, channelSpec, token, null);
    }

    /** {@code claimDir}: a stand-in pipe worker's directory in the pool's shm directory, or null. */
    static Map<String, String> environment(PoolConfig config, String workerId, String channelSpec, String token,
                                           java.nio.file.Path claimDir) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> parent = System.getenv();
        for (String name : INHERITED_ENV) {
            String value = parent.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(config.workerEnv());
        env.put(WorkerProtocol.ENV_CHANNEL, channelSpec);
        env.put(WorkerProtocol.ENV_TOKEN, token);
        env.put(WorkerProtocol.ENV_WORKER_ID, workerId);
        env.put(WorkerProtocol.ENV_PARENT_PID, Long.toString(ProcessHandle.current().pid()));
        if (claimDir != null) {
            env.put(WorkerProtocol.ENV_CLAIM_DIR, claimDir.toString());
        }
        return env;
    }
}
