package dev.offload.service.async;

import dev.offload.config.PoolConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the asynchronous jobs are kept with, from the config: {@code journal.*}, {@code queue.capacity}
 * (accepted jobs not finished yet), {@code jobs.maxAttempts} (runs a job may begin across restarts),
 * {@code workers.max} and the handlers (name to class).
 */
public record AsyncSettings(Optional<Path> journalDir, boolean syncFlush, Duration resultTtl, int capacity, int maxAttempts,
                            int workersPerHost, Map<String, String> handlers) {

    public AsyncSettings {
        handlers = Map.copyOf(handlers);
    }

    public static AsyncSettings of(PoolConfig config) {
        return new AsyncSettings(config.journalDir(), config.journalFlush().equals("sync"), config.journalResultTtl(),
                config.queueCapacity(), config.maxAttempts(), config.maxWorkers(), config.handlers());
    }
}
