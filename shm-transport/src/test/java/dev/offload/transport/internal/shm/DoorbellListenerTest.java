package dev.offload.transport.internal.shm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The doorbell's file appears only once the parent listens: a worker that sees it is never refused. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoorbellListenerTest {
    @RegisterExtension
    final TestShmBase.PerTest base = TestShmBase.perTest();

    /**
     * A worker thread connects the moment the file shows, as a worker JVM that booted faster than
     * the parent prepared its channel does; 2,000 times over.
     */
    @Test
    void aWorkerThatSeesTheSocketFileShouldBeAbleToConnectAtOnce() throws Exception {
        Path dir = Files.createDirectory(base.path().resolve("w1"));
        AtomicInteger refused = new AtomicInteger();
        for (int i = 0; i < 2_000; i++) {
            CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> {
                while (!DoorbellListener.isListening(dir)) {
                    Thread.onSpinWait();
                }
                try (SocketChannel socket = DoorbellListener.connect(dir)) {
                    assertThat(socket.isConnected()).isTrue();
                } catch (IOException e) {
                    refused.incrementAndGet();
                }
            });
            try (DoorbellListener listener = DoorbellListener.listen(dir)) {
                worker.get(10, TimeUnit.SECONDS);
            }
            assertThat(refused.get()).as("connections refused after the file showed, by round %d", i).isZero();
        }
        try (var left = Files.list(dir)) {
            assertThat(left).as("what the listeners left").isEmpty();
        }
        Files.delete(dir);
    }
}
