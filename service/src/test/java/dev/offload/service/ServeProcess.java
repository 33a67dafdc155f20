package dev.offload.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code bin/offload serve} process for the ITs: started with its options, its banner awaited,
 * its stderr in a file. {@link #close} sends SIGTERM and waits, then kills; {@link #kill} is SIGKILL.
 * The JVM replaces the script (exec), so the process is the service's JVM itself.
 */
final class ServeProcess implements AutoCloseable {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path SCRIPT = REPO.resolve("bin/offload");
    private static final Pattern BANNER = Pattern.compile("offload serving on (http://127\\.0\\.0\\.1:\\d+) .*");

    final Process process;
    final Path stderr;
    private final String url;
    private final String banner;
    private final Http http;

    private ServeProcess(Process process, Path stderr, String banner, String url) {
        this.process = process;
        this.stderr = stderr;
        this.banner = banner;
        this.url = url;
        this.http = new Http(url);
    }

    /**
     * Runs {@code bin/offload serve --port 0 ARGS} in {@code dir} with {@code env} added (e.g.
     * {@code OFFLOAD_OPTS}), and waits up to {@code ready} for its banner. Without {@code --warmup}
     * in {@code ARGS}, adds {@code --warmup 0s}.
     *
     * @param name names the stderr file in {@code dir}
     */
    static ServeProcess start(Path dir, String name, Map<String, String> env, Duration ready, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), "serve", "--port", "0"));
        if (!List.of(args).contains("--warmup")) {
            command.addAll(List.of("--warmup", "0s")); // ready at once; the warm-up has tests of its own
        }
        command.addAll(List.of(args));
        Path stderr = dir.resolve(name + ".stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String banner;
        try {
            banner = firstLine.get(ready.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            banner = null;
        }
        Matcher m = BANNER.matcher(String.valueOf(banner));
        if (!m.matches()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("bin/offload serve " + String.join(" ", args) + " did not start within " + ready
                    + "; first line: " + banner + "\n" + Files.readString(stderr));
        }
        return new ServeProcess(process, stderr, banner, m.group(1));
    }

    String url() {
        return url;
    }

    String banner() {
        return banner;
    }

    Http http() {
        return http;
    }

    long pid() {
        return process.pid();
    }

    String stderrText() throws IOException {
        return Files.readString(stderr);
    }

    /** SIGKILL, and waits until the process is gone (its workers exit by themselves soon after). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the service finishes its jobs in flight and exits; the exit status, or -1 after {@code timeout}. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Stops it (SIGTERM, up to 60 s), else kills it. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        http.close();
        if (process.isAlive() && stop(Duration.ofSeconds(60)) < 0) {
            kill();
        }
    }
}
