package dev.offload.launcher.internal;

import dev.offload.config.PoolConfig;
import dev.offload.transport.internal.shm.ChronicleSupport;
import dev.offload.worker.internal.WorkerMain;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerCommandTest {

    @Test
    void shouldStartJavaFromThisJdkWithHeapChronicleFlagsUserArgsAndTheWorkerMainClass() {
        PoolConfig config = PoolConfig.builder().workerHeap("96m").workerJvmArgs(List.of("-Dfoo=bar baz", "-Xss1m"))
                .workerNice(0).build();
        List<String> cmd = WorkerCommand.command(config);
        assertThat(cmd.get(0)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(cmd).contains("-Xmx96m").containsAll(ChronicleSupport.jvmFlags())
                .contains("-Dfoo=bar baz", "-Xss1m", "-Dchronicle.analytics.disable=true");
        assertThat(cmd.get(cmd.size() - 1)).isEqualTo(WorkerMain.class.getName());
        assertThat(cmd.get(cmd.size() - 2)).isEqualTo(System.getProperty("java.class.path"));
        assertThat(cmd).noneMatch(a -> a.equals("sh") || a.equals("-c") || a.endsWith("/sh"));
    }

    @Test
    void shouldRunTheWorkerThroughNiceAtTheConfiguredNicenessWithoutAShell() {
        List<String> cmd = WorkerCommand.command(PoolConfig.defaults());
        assertThat(cmd.subList(0, 3)).containsExactly("/usr/bin/nice", "-n", "10");
        assertThat(cmd.get(3)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(WorkerCommand.command(PoolConfig.builder().workerNice(19).build()).subList(0, 3))
                .containsExactly("/usr/bin/nice", "-n", "19");
    }

    @Test
    void shouldSendTheJvmsOwnWarningsToStderrAndPutArchiveFlagsBeforeTheUsersArgs() {
        PoolConfig config = PoolConfig.builder().workerJvmArgs(List.of("-Xlog:gc")).build();
        List<String> cmd = WorkerCommand.command(config, List.of("-XX:SharedArchiveFile=/x.jsa"));
        int vmOutput = cmd.indexOf("-XX:+DisplayVMOutputToStderr");
        assertThat(cmd).containsSubsequence("-Xlog:disable", "-Xlog:all=warning:stderr:uptime,level,tags",
                "-XX:+DisplayVMOutputToStderr", "-XX:SharedArchiveFile=/x.jsa", "-Xlog:gc", WorkerMain.class.getName());
        assertThat(vmOutput).isPositive();
        assertThat(cmd).containsSubsequence("-XX:-UsePerfData", "-Xlog:gc"); // a user's +UsePerfData, later, wins
        assertThat(WorkerCommand.jvmCommand(config, List.of()).get(0)).endsWith("/bin/java");
    }

    @Test
    void shouldQuietTheJvmsHousekeepingBeforeTheUsersArgsWithFlagsThisJdkKnows() {
        PoolConfig config = PoolConfig.builder().workerJvmArgs(List.of("-XX:AsyncDeflationInterval=250")).build();
        List<String> cmd = WorkerCommand.command(config);
        assertThat(cmd).containsSubsequence("-XX:+UnlockDiagnosticVMOptions", "-XX:AsyncDeflationInterval=2000",
                "-XX:AsyncDeflationInterval=250"); // a user's own, later, wins
        assertThat(WorkerCommand.quietHousekeeping(17)).contains("-XX:G1ConcRefinementServiceIntervalMillis=2000");
        assertThat(WorkerCommand.quietHousekeeping(21)).noneMatch(flag -> flag.startsWith("-XX:G1ConcRefinement"));
    }

    @Test
    void shouldRunTheSerialCollectorUnlessTheUsersArgsChooseOne() {
        assertThat(WorkerCommand.command(PoolConfig.defaults())).containsOnlyOnce("-XX:+UseSerialGC")
                .noneMatch(arg -> arg.matches("-XX:[+-]Use(G1|Parallel|Z|Shenandoah)GC"));
        for (String choice : List.of("-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseZGC", "-XX:-UseSerialGC")) {
            List<String> cmd = WorkerCommand.command(PoolConfig.builder().workerJvmArgs(List.of("-Xss1m", choice)).build());
            assertThat(cmd).as(choice).doesNotContain("-XX:+UseSerialGC").containsOnlyOnce(choice);
        }
        assertThat(WorkerCommand.command(PoolConfig.builder().workerJvmArgs(List.of("-XX:+UseStringDeduplication")).build()))
                .contains("-XX:+UseSerialGC"); // a GC option is not a choice of collector
        assertThat(WorkerCommand.command(PoolConfig.builder().workerEnv(Map.of("JAVA_TOOL_OPTIONS", " -Xss2m -XX:+UseG1GC")).build()))
                .doesNotContain("-XX:+UseSerialGC");
    }

    @Test
    void shouldUseAConfiguredClassPath() {
        List<String> cmd = WorkerCommand.command(PoolConfig.builder().workerClassPath("/opt/app/lib/*").build());
        assertThat(cmd.get(cmd.size() - 2)).isEqualTo("/opt/app/lib/*");
    }

    @Test
    void shouldGiveTheWorkerAMinimalEnvironmentPlusTheHandshake() {
        PoolConfig config = PoolConfig.builder().workerEnv(Map.of("MY_SETTING", "1")).build();
        Map<String, String> env = WorkerCommand.environment(config, "w7", "pipe:?max=1024", "secret");
        assertThat(env).containsEntry("OFFLOAD_CHANNEL", "pipe:?max=1024").containsEntry("OFFLOAD_TOKEN", "secret")
                .containsEntry("OFFLOAD_WORKER_ID", "w7").containsEntry("MY_SETTING", "1")
                .containsEntry("OFFLOAD_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        assertThat(env.keySet()).allMatch(k -> k.startsWith("OFFLOAD_") || k.equals("MY_SETTING")
                || List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR").contains(k));
    }
}
