package dev.offload.pool;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A caller JVM that ends without closing its pool (a forked {@link OrphanParentMain}, one worker
 * busy) leaves, within 5 s and with no other pool started, no worker and no shm directory: on
 * SIGTERM and {@code System.exit} the shutdown hook closes the pool; after SIGKILL the workers see
 * their parent gone and the last one deletes the directory. Over shm the caller is a fresh JVM, so
 * its first workers are pipe stand-ins, which claim a directory in the pool's shm directory too.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallerExitTest {

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"SIGKILL, pipe", "SIGKILL, shm", "SIGTERM, pipe", "SIGTERM, shm", "System.exit, pipe", "System.exit, shm"})
    void shouldLeaveNoWorkerAndNoSharedMemoryWithin5Seconds(String ending, String transport) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(dev.offload.transport.internal.shm.ChronicleSupport.requiredJvmFlags());
        cmd.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"), OrphanParentMain.class.getName(), transport));
        Process caller = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<Long> workers;
        long endedAt;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(caller.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("PIDS ")) {
                // skip anything else the caller prints
            }
            assertThat(line).as("the caller's PIDS line").isNotNull();
            workers = Arrays.stream(line.substring(5).trim().split(" ")).map(Long::parseLong).collect(Collectors.toSet());
            // two workers; over shm in this fresh JVM they are pipe stand-ins, and a shm worker that
            // replaces one may be starting already (and, the first time on a machine, the AppCDS training worker)
            assertThat(workers).hasSizeBetween(2, 4);
            assertThat(NoLeftovers.shmLeftovers(caller.pid())).hasSize(transport.equals("shm") ? 1 : 0);
            endedAt = System.nanoTime();
            switch (ending) {
                case "SIGKILL" -> caller.destroyForcibly();
                case "SIGTERM" -> caller.destroy();
                default -> {
                    OutputStream in = caller.getOutputStream();
                    in.write("exit\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            }
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() ->
                    !caller.isAlive()
                    && workers.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    && NoLeftovers.shmLeftovers(caller.pid()).isEmpty());
        } finally {
            caller.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        System.out.printf("caller ended by %s over %s: workers and shm directory gone %d ms later (exit code %d)%n",
                ending, transport, (System.nanoTime() - endedAt) / 1_000_000, caller.exitValue());
    }
}
