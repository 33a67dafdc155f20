package dev.offload.pool;

import dev.offload.pool.handlers.Echo;
import dev.offload.pool.handlers.Flood;
import dev.offload.pool.handlers.Garbage;
import dev.offload.pool.handlers.Grow;
import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Bad input of every kind gets an error naming what was wrong; the pool keeps serving. */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadInputTest {

    /** Not public: a worker cannot instantiate it. */
    static class Hidden implements JobHandler<String, String> {
        @Override
        public String handle(String input, JobContext context) {
            return input;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldFailAResultOverTheFrameLimitWithAClearErrorAndKeepServing(String transport) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(transport, 1).maxFrameBytes(4096).build())) {
            Throwable thrown = catchThrowable(() -> pool.submit(Grow.class, 10_000).join());
            assertThat(thrown.getCause()).isInstanceOf(JobFailedException.class);
            JobFailedException failure = (JobFailedException) thrown.getCause();
            assertThat(failure.remoteType()).isEqualTo("dev.offload.transport.internal.FrameTooLargeException");
            assertThat(failure.getMessage()).contains("exceeds transport.maxFrameBytes (4096 bytes)");
            assertThat(pool.submit(Grow.class, 100).join()).hasSize(100);
        }
    }

    @Test
    void shouldKillAWorkerThatPutsGarbageOnItsPipeAndSayWhy() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).maxAttempts(1).build())) {
            Throwable thrown = catchThrowable(() -> pool.submit(Garbage.class, "x").join());
            assertThat(thrown.getCause()).isInstanceOf(WorkerCrashedException.class)
                    .hasMessageContaining("broke its channel").hasMessageContaining("garbage on the channel");
            assertThat(pool.submit(Echo.class, "still serving").join()).isEqualTo("still serving");
        }
    }

    @Test
    void shouldNameWhatAWorkerJvmWroteOnItsPipeBeforeHello() {
        // -verbose:gc makes the worker's JVM print "[0.004s][info][gc] Using G1" on stdout, the
        // pipe, before main runs: the worker then exits by itself, with 0, once the parent gives up
        // on it; the error must say what broke the handshake, not only that it exited.
        Throwable thrown = catchThrowable(() -> WorkerPool.start(TestPools.config("pipe", 1)
                .workerJvmArgs(List.of("-verbose:gc")).build()).close());
        assertThat(thrown).isInstanceOf(OffloadException.class)
                .hasMessageContaining("failed its handshake")
                .hasMessageContaining("garbage on the channel")
                .hasMessageContaining("as text \"[0.");
    }

    @Test
    void shouldLogWhatAShmWorkerWritesToFileDescriptor1AndNeverBlockOnIt() {
        // Over shm, file descriptor 1 carries nothing of the protocol: it is joined to stderr and
        // read by the parent, so junk there is logged and a flood of it cannot fill an unread pipe.
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).build())) {
            assertThat(pool.submit(Garbage.class, "x").join()).isEqualTo("x");
            assertThat(pool.submit(Flood.class, 20_000).join()).isEqualTo(20_000); // ~1.3 MB
            assertThat(pool.submit(Echo.class, "y").join()).isEqualTo("y");
            assertThat(pool.stats().crashes()).isZero();
            assertThat(pool.links()[0].worker.stderrTail(1_000)).anySatisfy(line -> assertThat(line).contains("chatter on fd 1"));
        }
    }

    @Test
    void shouldNameAHandlerClassTheWorkerCannotInstantiate() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).build())) {
            CompletableFuture<String> f = pool.submit(Hidden.class, "x");
            Throwable thrown = catchThrowable(f::join);
            assertThat(thrown.getCause()).isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("must be a public, non-abstract class").hasMessageContaining("BadInputTest$Hidden");
            assertThat(pool.submit(Echo.class, "ok").join()).isEqualTo("ok");
        }
    }

    @Test
    void shouldFailAnInputJacksonCannotEncodeWithoutThrowingFromSubmit() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("pipe", 1).build())) {
            Object unencodable = new Object() {
                public Object getSelf() {
                    return this; // a cycle: Jackson gives up
                }
            };
            @SuppressWarnings({"unchecked", "rawtypes"})
            CompletableFuture<Object> f = pool.submit((Class) Echo.class, unencodable);
            assertThat(f).isCompletedExceptionally();
            assertThat(catchThrowable(f::join).getCause()).isInstanceOf(OffloadException.class)
                    .hasMessageContaining("cannot encode the input of Echo");
        }
    }
}
