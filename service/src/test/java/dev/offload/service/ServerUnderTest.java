package dev.offload.service;

import dev.offload.config.PoolConfigBuilder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.time.Duration;

/**
 * An {@link OffloadServer} on an ephemeral loopback port and an {@link Http} client for it, started
 * by the test and closed after it (server closed at once: no grace for running jobs).
 */
final class ServerUnderTest implements AfterEachCallback {
    private OffloadServer server;
    private Http http;

    void start(PoolConfigBuilder config) throws IOException {
        start(config, HttpLimits.defaults());
    }

    /** Starts a server; one started before (and closed by the test, to restart on the same journal) is forgotten. */
    void start(PoolConfigBuilder config, HttpLimits limits) throws IOException {
        if (http != null) {
            http.close();
        }
        server = OffloadServer.start(config.build(), "127.0.0.1", 0, limits);
        http = new Http(server.url());
    }

    OffloadServer server() {
        return server;
    }

    Http http() {
        return http;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close(Duration.ZERO);
        }
    }
}
