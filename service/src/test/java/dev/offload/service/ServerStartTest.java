package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What {@link OffloadServer#start} checks before it forks any worker, and what it reports after. */
@ExtendWith(NoLeftovers.class)
@Timeout(60)
class ServerStartTest {

    @Test
    void shouldRefuseAHandlerWhoseClassIsMissing() {
        var config = TestConfigs.oneWorker().handler("ghost", "com.example.Ghost").build();

        assertThatThrownBy(() -> OffloadServer.start(config, "127.0.0.1", 0))
                .isInstanceOf(InvalidHandlerException.class)
                .hasMessageContaining("handler 'ghost'")
                .hasMessageContaining("com.example.Ghost")
                .hasMessageContaining("not on the class path");
        assertThat(NoLeftovers.liveWorkers()).isEmpty();
    }

    @Test
    void shouldRefuseAHandlerWhoseClassIsNotAJobHandler() {
        var config = TestConfigs.oneWorker().handler("plain", "dev.offload.service.handlers.NotAHandler").build();

        assertThatThrownBy(() -> OffloadServer.start(config, "127.0.0.1", 0))
                .isInstanceOf(InvalidHandlerException.class)
                .hasMessageContaining("handler 'plain'")
                .hasMessageContaining("dev.offload.service.handlers.NotAHandler")
                .hasMessageContaining("does not implement dev.offload.worker.JobHandler");
    }

    @Test
    void shouldBindAFreePortWhenAskedForPortZeroAndSayWhichInTheBanner() throws Exception {
        try (OffloadServer server = OffloadServer.start(TestConfigs.oneWorker().build(), "127.0.0.1", 0);
             Http http = new Http(server.url())) {
            assertThat(server.port()).isPositive();
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
            assertThat(server.banner()).matches("offload serving on http://127\\.0\\.0\\.1:" + server.port()
                    + " \\(workers 1\\.\\.1 over (shm|pipe); handlers: fib, sleep, sha256, boom, halt, echo\\)");
            assertThat(http.get("/health").json()).containsEntry("status", "ok").containsEntry("workers", 1);
            server.close(Duration.ZERO);
        }
    }

    @Test
    void shouldFailWithoutForkingWhenThePortIsTaken() throws Exception {
        try (OffloadServer first = OffloadServer.start(TestConfigs.oneWorker().build(), "127.0.0.1", 0)) {
            // A JVM's first shm pool starts a pipe stand-in and replaces it: two workers for a moment.
            await().atMost(Duration.ofSeconds(30)).until(() -> NoLeftovers.liveWorkers().size() == 1
                    && !"pipe".equals(first.pool().stats().local().transport()));
            assertThatThrownBy(() -> OffloadServer.start(TestConfigs.oneWorker().build(), "127.0.0.1", first.port()))
                    .isInstanceOf(java.net.BindException.class);
            assertThat(NoLeftovers.liveWorkers()).hasSize(1);
            first.close(Duration.ZERO);
        }
    }
}
