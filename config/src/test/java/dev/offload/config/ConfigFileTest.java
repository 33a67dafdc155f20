package dev.offload.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigFileTest {

    private static final String FULL_YAML = """
            workers: { min: 2, max: 4, idleTimeout: 30s, maxJobs: 100, startTimeout: 20s, heap: 512m,
                       jvmArgs: [-Xss1m, "-XX:+UseSerialGC"], env: { TZ: UTC, DEBUG: 1 }, classPath: /opt/app/*,
                       cds: false, heartbeatInterval: 1s, heartbeatTimeout: 5s }
            queue:   { capacity: 500 }
            jobs:    { timeout: 2m, maxAttempts: 3, cancelGrace: 1s, completion: direct }
            transport:
              kind: shm                      # auto | shm | pipe
              maxFrameBytes: 4m
              shm: { dir: /tmp/offload-shm, spin: 5us }
            cluster:
              name: offload                    # members with another name never join
              bind: 127.0.0.1:5701             # the address this host's member listens on
              members: [127.0.0.1:5701, 127.0.0.1:5702]
              heartbeatTimeout: 5s
            handlers:
              fib: dev.offload.service.demo.Fibonacci
              resize: com.example.img.Resize
            """;

    @TempDir
    Path dir;

    @Test
    void shouldReadEveryKeyFromYaml() throws IOException {
        PoolConfig c = load("app.yaml", FULL_YAML);

        assertThat(c.minWorkers()).isEqualTo(2);
        assertThat(c.maxWorkers()).isEqualTo(4);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxJobsPerWorker()).isEqualTo(100);
        assertThat(c.startTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.workerHeap()).isEqualTo("512m");
        assertThat(c.workerJvmArgs()).containsExactly("-Xss1m", "-XX:+UseSerialGC");
        assertThat(c.workerEnv()).containsExactly(Map.entry("TZ", "UTC"), Map.entry("DEBUG", "1"));
        assertThat(c.workerClassPath()).contains("/opt/app/*");
        assertThat(c.workerCds()).isFalse();
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.queueCapacity()).isEqualTo(500);
        assertThat(c.jobTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.cancelGrace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.completion()).isEqualTo("direct");
        assertThat(c.transport()).isEqualTo("shm");
        assertThat(c.maxFrameBytes()).isEqualTo(4L << 20);
        assertThat(c.shmDir()).isEqualTo(Path.of("/tmp/offload-shm"));
        assertThat(c.shmSpin()).isEqualTo(Duration.ofNanos(5_000));
        assertThat(c.clusterName()).isEqualTo("offload");
        assertThat(c.clusterBind()).isEqualTo("127.0.0.1:5701");
        assertThat(c.clusterMembers()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
        assertThat(c.clusterHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.handlers()).containsExactly(
                Map.entry("fib", "dev.offload.service.demo.Fibonacci"), Map.entry("resize", "com.example.img.Resize"));
    }

    @Test
    void shouldReadTheDesignDocExample() throws IOException {
        PoolConfig c = load("app.yml", """
                workers: { min: 1, max: 4, idleTimeout: 60s, maxJobs: 0, startTimeout: 15s, heap: 256m, jvmArgs: [], env: {} }
                queue:   { capacity: 10000 }
                jobs:    { timeout: 0s, maxAttempts: 2 }
                transport:
                  kind: auto                      # auto | shm | pipe
                  maxFrameBytes: 16m
                  shm: { dir: /dev/shm, spin: 20us }
                handlers:                         # names the service exposes over HTTP
                  fib: dev.offload.service.demo.Fibonacci
                """);

        assertThat(c).isEqualTo(PoolConfig.builder().maxWorkers(4).shmSpin(Duration.ofNanos(20_000))
                .handler("fib", "dev.offload.service.demo.Fibonacci").build());
    }

    @Test
    void shouldReadJson() throws IOException {
        PoolConfig c = load("app.json", """
                {"workers": {"max": 3, "heap": 1073741824}, "transport": {"kind": "pipe", "shm": {"spin": "0"}}}
                """);

        assertThat(c.maxWorkers()).isEqualTo(3);
        assertThat(c.workerHeap()).isEqualTo("1g");
        assertThat(c.transport()).isEqualTo("pipe");
        assertThat(c.shmSpin()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.conf", "app", "app.YAML"})
    void shouldDetectTheFormatOfOtherFileNames(String name) throws IOException {
        assertThat(load(name, "workers: {max: 3}").maxWorkers()).isEqualTo(3);
        assertThat(load(name + ".x", "  {\"workers\": {\"max\": 5}}").maxWorkers()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# only a comment\n", "---\n", "workers:\n"})
    void shouldTreatAnEmptyFileAsDefaults(String content) throws IOException {
        assertThat(load("empty.yaml", content)).isEqualTo(PoolConfig.defaults());
    }

    @Test
    void shouldAcceptSizesAsYamlIntegersAndZeroDurationsAsIntegers() throws IOException {
        PoolConfig c = load("app.yaml", "transport: {maxFrameBytes: 65536, shm: {spin: 0}}\njobs: {timeout: 0}");

        assertThat(c.maxFrameBytes()).isEqualTo(65536);
        assertThat(c.shmSpin()).isZero();
        assertThat(c.jobTimeout()).isZero();
    }

    @Test
    void shouldRejectTypoedTopLevelKey() throws IOException {
        Path file = write("app.yaml", "wokers: {max: 2}");

        assertLoadFails(file, "wokers").hasMessage("unknown key 'wokers' in " + file
                + " (known top-level keys: workers, queue, jobs, transport, cluster, journal, handlers, warmup)");
    }

    @Test
    void shouldRejectTypoedNestedKeyNamingItsFullPath() throws IOException {
        Path file = write("app.yaml", "workers: {mx: 2}");

        assertLoadFails(file, "workers.mx")
                .hasMessageStartingWith("unknown key 'workers.mx' in " + file + " (known keys under workers: min, max,");
        assertLoadFails(write("b.yaml", "transport: {shm: {spinn: 1us}}"), "transport.shm.spinn")
                .hasMessageContaining("(known keys under transport.shm: dir, spin, startOverPipe)");
    }

    @Test
    void shouldRejectNegativeNumberNamingKeyAndValue() throws IOException {
        Path file = write("app.yaml", "workers: {max: -1}");

        assertLoadFails(file, "workers.max").hasMessage("workers.max must be >= 1 (got -1); set in " + file);
    }

    @Test
    void shouldRejectMinAboveMax() throws IOException {
        Path file = write("app.yaml", "workers: {min: 4, max: 2}");

        assertLoadFails(file, "workers.max")
                .hasMessage("workers.max must be >= workers.min (got 2 < 4); set in " + file);
    }

    @Test
    void shouldRejectNonNumber() throws IOException {
        Path file = write("app.yaml", "workers: {max: four}");

        assertLoadFails(file, "workers.max")
                .hasMessage("workers.max: expected an integer, got \"four\"; set in " + file)
                .satisfies(e -> assertThat(((ConfigException) e).value()).isEqualTo("four"));
    }

    @Test
    void shouldRejectUnknownTransport() throws IOException {
        Path file = write("app.yaml", "transport: {kind: shmm}");

        assertLoadFails(file, "transport.kind")
                .hasMessage("transport.kind: unknown value \"shmm\" (allowed: auto, shm, pipe); set in " + file);
    }

    @Test
    void shouldRejectWrongTypes() throws IOException {
        assertLoadFails(write("a.yaml", "workers: {max: \"4\"}"), "workers.max").hasMessageContaining("got \"4\"");
        assertLoadFails(write("b.yaml", "workers: {max: 2.5}"), "workers.max").hasMessageContaining("got 2.5");
        assertLoadFails(write("c.yaml", "workers: {max: [1]}"), "workers.max").hasMessageContaining("got a list");
        assertLoadFails(write("d.yaml", "workers: {max: }"), "workers.max").hasMessageContaining("null");
        assertLoadFails(write("e.yaml", "workers: {jvmArgs: -Xss1m}"), "workers.jvmArgs")
                .hasMessageContaining("expected a list of strings");
        assertLoadFails(write("f.yaml", "workers: {jvmArgs: [-Xss1m, 5]}"), "workers.jvmArgs")
                .hasMessageContaining("workers.jvmArgs[1]: expected a string, got 5");
        assertLoadFails(write("g.yaml", "handlers: [fib]"), "handlers").hasMessageContaining("got a list");
        assertLoadFails(write("h.yaml", "workers: {env: {A: {B: 1}}}"), "workers.env.A")
                .hasMessageContaining("got a mapping");
        assertLoadFails(write("i.yaml", "transport: {kind: 5}"), "transport.kind")
                .hasMessageContaining("expected a string, got 5");
        assertLoadFails(write("k.yaml", "workers: {cds: \"false\"}"), "workers.cds")
                .hasMessageStartingWith("workers.cds: expected true or false, got \"false\"; set in ");
        assertLoadFails(write("l.yaml", "workers: {cds: 1}"), "workers.cds").hasMessageContaining("got 1");
        assertLoadFails(write("j.yaml", "workers: 5"), "workers")
                .hasMessageContaining("workers: expected a mapping of keys");
        assertLoadFails(write("k.yaml", "transport: {shm: [a]}"), "transport.shm");
        assertLoadFails(write("l.yaml", "jobs: {timeout: true}"), "jobs.timeout");
        assertLoadFails(write("m.yaml", "transport: {maxFrameBytes: 1.5}"), "transport.maxFrameBytes");
    }

    @Test
    void shouldRejectIntegersOutOfRange() throws IOException {
        assertLoadFails(write("a.yaml", "queue: {capacity: 99999999999}"), "queue.capacity")
                .hasMessageContaining("99999999999 is out of range");
    }

    @Test
    void shouldRejectBareDurationsOtherThanZero() throws IOException {
        assertLoadFails(write("a.yaml", "jobs: {timeout: 30}"), "jobs.timeout").hasMessageContaining("needs a unit");
    }

    @Test
    void shouldRejectBadValuesInsideMaps() throws IOException {
        assertLoadFails(write("a.yaml", "handlers: {fib: not a class}"), "handlers.fib")
                .hasMessageContaining("\"not a class\"");
        assertLoadFails(write("b.yaml", "handlers: {\"fi b\": x.Fib}"), "handlers.fi b");
    }

    @Test
    void shouldKeepWarmupSamplesAsJsonTextAndPrintThemBackAsYaml() throws IOException {
        PoolConfig c = load("a.yaml", """
                handlers: {fib: a.Fib, hash: a.Hash, echo: a.Echo}
                warmup:
                  fib: {n: 15}
                  hash: {"text": "warm-up", "rounds": 2}
                  echo: [1, "two", true]
                """);

        assertThat(c.warmup()).containsExactly(Map.entry("fib", "{\"n\":15}"),
                Map.entry("hash", "{\"text\":\"warm-up\",\"rounds\":2}"), Map.entry("echo", "[1,\"two\",true]"));
        assertThat(PoolConfig.load(write("b.yaml", c.toYaml()))).isEqualTo(c);
    }

    @Test
    void shouldRejectAWarmupSampleForAHandlerThatIsNotConfigured() throws IOException {
        assertLoadFails(write("a.yaml", "handlers: {fib: a.Fib, sort: a.Sort}\nwarmup: {fob: {n: 1}}"), "warmup.fob")
                .hasMessageContaining("no handler is named \"fob\" (handlers: fib, sort)");
        assertLoadFails(write("b.yaml", "handlers: {fib: a.Fib}\nwarmup: {fib: null}"), "warmup.fib");
        assertLoadFails(write("c.yaml", "handlers: {fib: a.Fib}\nwarmup: [fib]"), "warmup");
    }

    @Test
    void shouldRejectTopLevelThatIsNotAMapping() throws IOException {
        Path file = write("a.yaml", "- workers\n- queue\n");

        assertLoadFails(file, null).hasMessageContaining(file.toString()).hasMessageContaining("got a list");
    }

    @Test
    void shouldRejectMalformedYamlNamingFileAndLine() throws IOException {
        Path file = write("bad.yaml", "workers:\n  max: 2\n   min: 1\n");

        assertLoadFails(file, null).hasMessageStartingWith("cannot parse config file " + file + " at line 3,");
    }

    @Test
    void shouldRejectMalformedJsonNamingFileAndLine() throws IOException {
        Path file = write("bad.json", "{\n  \"workers\": {\"max\": 2,}\n}");

        assertLoadFails(file, null).hasMessageStartingWith("cannot parse config file " + file + " at line 2,");
    }

    @Test
    void shouldRejectDuplicateKeys() throws IOException {
        assertLoadFails(write("dup.yaml", "workers: {max: 2, max: 3}"), null).hasMessageContaining("Duplicate field 'max'");
    }

    @Test
    void shouldRejectSeveralYamlDocuments() throws IOException {
        assertLoadFails(write("two.yaml", "workers: {max: 2}\n---\nqueue: {capacity: 1}\n"), null)
                .hasMessageContaining("more than one document");
    }

    @Test
    void shouldRejectMissingFileNamingIt() {
        Path file = dir.resolve("nope.yaml");

        assertLoadFails(file, null).hasMessage("cannot read config file " + file + ": NoSuchFileException");
    }

    @Test
    void shouldRejectADirectoryNamingIt() {
        assertLoadFails(dir, null).hasMessageStartingWith("cannot read config file " + dir + ": ");
    }

    private PoolConfig load(String name, String content) throws IOException {
        return PoolConfig.load(write(name, content), Map.of(), Map.of());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertLoadFails(Path file, String key) {
        return assertThatThrownBy(() -> PoolConfig.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
                .satisfies(e -> assertThat(e.getMessage()).contains(file.toString()));
    }
}
