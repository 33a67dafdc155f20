package dev.offload.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16's done-when: {@code bin/offload serve --journal DIR} with 2 workers accepts 100 sleep jobs
 * of 200 ms with {@code Prefer: respond-async}, is SIGKILLed about 2 s later and restarted on the same
 * journal; within 60 s every location answers 200, {@code state: done}, with the right result.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DurableJobsIT {
    private static final int JOBS = 100;

    @RegisterExtension
    final ServeProcesses services = new ServeProcesses();

    @TempDir
    Path dir;

    @Test
    void shouldFinishEveryAcceptedJobAfterASigkillAndARestart() throws Exception {
        Path config = Files.writeString(dir.resolve("offload.yaml"), """
                workers: { min: 2, max: 2, heap: 64m, startTimeout: 60s, jvmArgs: %s }
                handlers:
                  sleep: dev.offload.service.demo.Sleep
                """.formatted(services.workerJvmArgs()));
        Path journal = dir.resolve("journal");
        ServeProcess first = start("first", config, journal);

        long start = System.nanoTime();
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            Http.Reply accepted = first.http().send(first.http().request("/jobs/sleep").header("Prefer", "respond-async")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ms\": 200}")).build());
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            locations.add(accepted.header("Location"));
        }
        long acceptedMs = (System.nanoTime() - start) / 1_000_000;
        // The scenario's timing, not a synchronisation: the kill lands while jobs run and others wait.
        TimeUnit.MILLISECONDS.sleep(Math.max(0, 2_000 - acceptedMs));
        Map<String, Integer> beforeKill = states(first, locations);
        first.kill();

        long restart = System.nanoTime();
        ServeProcess second = start("second", config, journal);
        await("every job done after the restart").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> states(second, locations).getOrDefault("done", 0) == JOBS);
        long recoveredMs = (System.nanoTime() - restart) / 1_000_000;

        Map<Integer, Integer> attempts = new TreeMap<>();
        for (String location : locations) {
            Http.Reply reply = second.http().get(location);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json()).as(location).containsEntry("state", "done");
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) reply.json().get("result");
            assertThat(((Number) result.get("slept")).longValue()).as(location).isGreaterThanOrEqualTo(200);
            attempts.merge((Integer) reply.json().get("attempt"), 1, Integer::sum);
        }
        System.out.printf("%d jobs accepted in %d ms; at the SIGKILL: %s; after the restart all %d done in %d ms"
                + " (restart included); runs begun per job: %s%n", JOBS, acceptedMs, beforeKill, JOBS, recoveredMs, attempts);
        assertThat(attempts.getOrDefault(2, 0)).as("jobs run again after the crash had their attempt raised").isPositive();
    }

    private ServeProcess start(String name, Path config, Path journal) throws Exception {
        return services.start(dir, name, "--config", config.toString(), "--journal", journal.toString());
    }

    /** How many of the jobs are in each state, as the service answers. */
    private static Map<String, Integer> states(ServeProcess service, List<String> locations) {
        Map<String, Integer> states = new TreeMap<>();
        for (String location : locations) {
            states.merge(String.valueOf(service.http().get(location).json().get("state")), 1, Integer::sum);
        }
        return states;
    }
}
