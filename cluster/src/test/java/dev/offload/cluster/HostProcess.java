package dev.offload.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.worker.internal.PayloadCodec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host JVM running {@link ClusterHostMain}, driven over its stdin and stdout; its stderr goes to a
 * log file. One {@code offload-test-host-*} thread reads its answers.
 */
final class HostProcess implements AutoCloseable {
    private static final Duration ANSWER = Duration.ofSeconds(30);

    final String bind;
    final Path log;
    private final Process process;
    private final Writer stdin;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final BlockingQueue<String> stats = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private HostProcess(String bind, Path log, Process process) {
        this.bind = bind;
        this.log = log;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "offload-test-host-" + bind);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a host with these {@code offload.*} config overrides (keys without the prefix). */
    static HostProcess start(String bind, Map<String, String> config, List<String> jvmArgs, Path logDir) throws IOException {
        var cmd = new ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String flags = System.getProperty("offloadtest.hostJvmFlags");
        if (flags == null) {
            throw new IllegalStateException("offloadtest.hostJvmFlags is not set: run the tests through Maven (cluster/pom.xml sets it)");
        }
        cmd.addAll(Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        cmd.addAll(jvmArgs);
        config.forEach((key, value) -> cmd.add("-Doffload." + key + "=" + value));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterHostMain.class.getName()));
        Path log = logDir.resolve("host-" + bind.replace(':', '_') + "-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        return new HostProcess(bind, log, process);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void awaitReady(Duration timeout) throws Exception {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("host " + bind + " did not get ready in " + timeout + "; see " + log, e);
        }
    }

    /** This host's {@link ClusterStats} as JSON. */
    JsonNode stats() throws Exception {
        stats.clear();
        send("stats");
        String line = stats.poll(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("host " + bind + " did not answer 'stats'; see " + log);
        }
        return PayloadCodec.mapper().readTree(line);
    }

    /** Submits a job on this host: "ok <result JSON>" or "failed <type> <message>". */
    CompletableFuture<String> submit(String handler, String inputJson) throws IOException {
        String id = Integer.toString(ids.incrementAndGet());
        var answer = new CompletableFuture<String>();
        pending.put(id, answer);
        send("submit " + id + " " + handler + " " + inputJson);
        return answer;
    }

    /** SIGKILL: the host and, through their parent checks, its workers die without a word. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Asks the host to close its pool and leave; kills it if it has not exited in time. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                send("quit");
            } catch (IOException e) {
                // its stdin is closed: it is exiting already
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private synchronized void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    private void read() {
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ready ")) {
                    ready.complete(null);
                } else if (line.startsWith("stats ")) {
                    stats.add(line.substring("stats ".length()));
                } else if (line.startsWith("done ")) {
                    String[] words = line.split(" ", 3);
                    CompletableFuture<String> answer = pending.remove(words[1]);
                    if (answer != null) {
                        answer.complete(words[2]);
                    }
                }
            }
        } catch (IOException e) {
            // the host is gone
        }
        var gone = new IllegalStateException("host " + bind + " exited; see " + log);
        ready.completeExceptionally(gone);
        pending.values().forEach(f -> f.completeExceptionally(gone));
    }
}
