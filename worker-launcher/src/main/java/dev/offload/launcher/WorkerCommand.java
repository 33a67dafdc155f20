package dev.offload.launcher;

import dev.offload.config.PoolConfig;
import dev.offload.transport.shm.ChronicleSupport;
import dev.offload.worker.WorkerMain;
import dev.offload.worker.WorkerProtocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line and environment of a worker JVM. Built as a list of arguments for
 * {@link ProcessBuilder}: no shell ever sees them.
 */
final class WorkerCommand {
    /** Parent variables a worker keeps; everything else is left out unless configured. */
    private static final Path NICE = Path.of("/usr/bin/nice");
    private static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR");

    private WorkerCommand() {
    }

    static List<String> command(PoolConfig config) {
        List<String> cmd = new ArrayList<>();
        if (config.workerNice() > 0 && Files.isExecutable(NICE)) {
            // nice(1) execs the JVM: the worker keeps the pid we watch, at a lower priority. No shell.
            cmd.add(NICE.toString());
            cmd.add("-n");
            cmd.add(Integer.toString(config.workerNice()));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (config.workerHeapBytes() > 0) {
            cmd.add("-Xmx" + config.workerHeap());
        }
        cmd.addAll(ChronicleSupport.requiredJvmFlags());
        if (Runtime.version().feature() >= 23) {
            // Chronicle still uses sun.misc.Unsafe memory access and loads native code (jffi): without
            // these, JDK 23+ workers print warnings to stderr at every start.
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(ChronicleSupport.quietSystemPropertyFlags());
        cmd.add("-D" + WorkerProtocol.PROP_HEARTBEAT_MS + "=" + config.heartbeatInterval().toMillis());
        cmd.addAll(config.workerJvmArgs());
        cmd.add("-cp");
        cmd.add(config.workerClassPath().orElse(System.getProperty("java.class.path")));
        cmd.add(WorkerMain.class.getName());
        return cmd;
    }

    static Map<String, String> environment(PoolConfig config, String workerId, String channelSpec, String token) {
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
        return env;
    }
}
