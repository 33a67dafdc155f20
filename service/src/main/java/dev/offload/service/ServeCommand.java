package dev.offload.service;

import dev.offload.config.ConfigException;
import dev.offload.config.PoolConfig;
import dev.offload.pool.OffloadException;
import dev.offload.service.async.JournalUnusableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code offload serve}: the HTTP front door, until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Serves the configured handlers over HTTP until SIGTERM or Ctrl-C.",
            "  POST /jobs/{name}  runs handler {name} on the JSON body, answers its result;",
            "                     with Prefer: respond-async, answers 202 and Location: /jobs/id/{id} at once",
            "  GET  /jobs/id/{id} an asynchronous job: 202 while pending, 200 with its result or error",
            "  DELETE /jobs/id/{id} cancels it;  GET /dead-letters  the failed ones",
            "  GET  /health       answers at once: status (503 while crash-looping or warming up), workers, busy, queued",
            "  GET  /stats        the pool's counters and latencies (and the cluster's hosts)",
            "  GET  /metrics      the pool's and the JVM's meters for Prometheus (text format 0.0.4)",
            "With a cluster section in the config, joins the cluster and runs jobs on any host.",
            "Without --config: built-in defaults and the demo handlers fib, sleep, sha256."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped by SIGTERM or SIGINT", "1:cannot listen, use the journal or start the workers",
            "2:invalid config, handler or option"})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    private static final Duration MAX_WARMUP = Duration.ofMinutes(5);

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON config; its handlers are what is served")
    Path configFile;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--journal", paramLabel = "DIR",
            description = "journal the asynchronous jobs in DIR, so that they survive a crash (journal.dir; default: none, kept in memory)")
    Path journal;

    @Option(names = "--io-threads", defaultValue = "1", paramLabel = "N", description = "event-loop threads (default: ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(names = "--max-connections", defaultValue = "1024", paramLabel = "N",
            description = "open connections at once; one more is answered 503 (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--max-header-bytes", defaultValue = "8192", paramLabel = "N",
            description = "request line, and headers, of one request; more is answered 431 (default: ${DEFAULT-VALUE})")
    int maxHeaderBytes;

    @Option(names = "--header-timeout", defaultValue = "10s", paramLabel = "DURATION", converter = DurationOption.class,
            description = "from a request's first bytes to the end of its headers, else 408 (default: ${DEFAULT-VALUE})")
    Duration headerTimeout;

    @Option(names = "--body-timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationOption.class,
            description = "from the end of a request's headers to the end of its body, else 408 (default: ${DEFAULT-VALUE})")
    Duration bodyTimeout;

    @Option(names = "--idle-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationOption.class,
            description = "a connection that owes no answer and sends nothing is closed after this (default: ${DEFAULT-VALUE})")
    Duration idleTimeout;

    @Option(names = "--warmup", defaultValue = "10s", paramLabel = "DURATION", converter = DurationOption.class,
            description = {"for this long once the workers are on shared memory, sends the config's warmup samples to "
                + "their handlers over loopback (without any: no-op jobs, no handler), so that the first clients do not "
                + "wait for the JIT; /health answers 503 \"warming-up\" meanwhile, clients are served; 0s: none "
                + "(default: ${DEFAULT-VALUE})"})
    Duration warmup;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535 (got " + port + ")");
        }
        if (warmup.compareTo(MAX_WARMUP) > 0) {
            throw new ParameterException(spec.commandLine(), "--warmup must be at most "
                    + DurationOption.format(MAX_WARMUP) + " (got " + DurationOption.format(warmup) + ")");
        }
        HttpLimits limits;
        try {
            limits = new HttpLimits(ioThreads, maxConnections, maxHeaderBytes, headerTimeout, bodyTimeout, idleTimeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PoolConfig config;
        try {
            config = ServiceConfig.load(configFile);
            if (journal != null) {
                config = config.toBuilder().journalDir(journal).build();
            }
        } catch (ConfigException e) {
            err.println("offload: " + e.getMessage());
            return 2;
        }
        try (StopSignals signals = StopSignals.install();
             OffloadServer server = OffloadServer.start(config, host, port, limits)) {
            out.println(server.banner());
            out.flush();
            if (!warmup.isZero()) {
                server.warmUp(warmup);
            }
            LOG.info("HTTP over {} with {} event-loop thread(s); at most {} connections", server.ioTransport(),
                    limits.ioThreads(), limits.maxConnections());
            String signal = signals.await();
            LOG.info("{} received: finishing the jobs in flight (up to {} s), then stopping", signal,
                    OffloadServer.DEFAULT_GRACE.toSeconds());
        } catch (InvalidHandlerException e) {
            err.println("offload: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("offload: cannot listen on " + host + ":" + port + ": " + e.getMessage());
            return 1;
        } catch (JournalUnusableException | OffloadException e) {
            err.println("offload: " + e.getMessage());
            return 1;
        }
        LOG.info("stopped");
        return 0;
    }
}
