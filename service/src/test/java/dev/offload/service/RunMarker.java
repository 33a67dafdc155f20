package dev.offload.service;

import dev.offload.transport.shm.ShmDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flag put on the command line of every JVM an IT starts (services through {@code OFFLOAD_OPTS},
 * workers through {@code workers.jvmArgs}), so that they can be found afterwards even when a killed
 * service's workers are no longer this JVM's descendants. Not an {@code offload.*} property, which
 * config would read.
 */
final class RunMarker {
    final String flag = "-Dofftest.run=" + UUID.randomUUID();

    /** Waits until no process with the flag runs, then sweeps what killed services left in /dev/shm. */
    void awaitNothingLeft() throws IOException {
        await("JVMs marked " + flag + " to exit").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(live()).as("service or worker JVMs still running").isEmpty());
        // What the next pool start would do for a killed service: its workers are gone now.
        ShmDirectory.sweep(ShmDirectory.DEFAULT_BASE);
    }

    /** Live processes, other than this one, with the flag: "pid command line…". */
    List<String> live() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.isAlive())
                .map(p -> p.pid() + " " + commandLine(p))
                .filter(line -> line.contains(flag))
                .map(line -> line.substring(0, Math.min(200, line.length())))
                .toList();
    }

    private static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return ""; // ended meanwhile, or not ours to read
        }
    }
}
