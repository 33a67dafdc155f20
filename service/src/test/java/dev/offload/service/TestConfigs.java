package dev.offload.service;

import dev.offload.config.PoolConfig;
import dev.offload.config.PoolConfigBuilder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pool configs for tests: one small, quick-starting worker and the demo and test handlers. */
final class TestConfigs {
    /** JVM options that make a worker start fast; tests run tiny jobs. */
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");

    static final Map<String, String> HANDLERS = handlers();

    private TestConfigs() {
    }

    static PoolConfigBuilder oneWorker() {
        return PoolConfig.builder()
                .minWorkers(1)
                .maxWorkers(1)
                .workerHeap("64m")
                .workerJvmArgs(FAST_START)
                .startTimeout(Duration.ofSeconds(30))
                .handlers(HANDLERS);
    }

    /** The same settings as a config file's text, for the command-line tests. */
    static String oneWorkerYaml() {
        return """
                workers: { min: 1, max: 1, heap: 64m, startTimeout: 30s,
                           jvmArgs: ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k"] }
                handlers:
                  fib: dev.offload.service.demo.Fibonacci
                """;
    }

    private static Map<String, String> handlers() {
        Map<String, String> handlers = new LinkedHashMap<>();
        handlers.put("fib", "dev.offload.service.demo.Fibonacci");
        handlers.put("sleep", "dev.offload.service.demo.Sleep");
        handlers.put("sha256", "dev.offload.service.demo.Sha256");
        handlers.put("boom", "dev.offload.service.handlers.Boom");
        handlers.put("halt", "dev.offload.service.handlers.Halt");
        handlers.put("echo", "dev.offload.service.bench.NoOp");
        return handlers;
    }
}
