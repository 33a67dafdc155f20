package dev.offload.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.offload.config.PoolConfig;
import dev.offload.config.PoolConfigBuilder;
import dev.offload.pool.JobFailedException;
import dev.offload.pool.JobOptions;
import dev.offload.pool.NoLeftovers;
import dev.offload.pool.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code workers.classPath}: workers that carry only the handler and Offload's jars run a handler
 * the caller's JVM has never seen, and do not load the Vert.x and Netty that the caller (this
 * module) has. The handler is compiled here, into a directory that is on no class path but the
 * workers'; the job is sent with {@code submitJson}, which needs only the class's name.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerClassPathTest {
    private static final String HANDLER = "dev.offload.examples.isolated.WhereAmI";
    private static final String HANDLER_SOURCE = """
            package dev.offload.examples.isolated;

            import dev.offload.worker.JobContext;
            import dev.offload.worker.JobHandler;
            import java.util.Map;

            public class WhereAmI implements JobHandler<String, Map<String, Object>> {
                @Override
                public Map<String, Object> handle(String probe, JobContext context) {
                    return Map.of("probe", probe, "vertx", loads("io.vertx.core.Vertx"),
                            "netty", loads("io.netty.channel.EventLoop"), "classPath", System.getProperty("java.class.path"));
                }

                private static boolean loads(String name) {
                    try {
                        Class.forName(name, false, WhereAmI.class.getClassLoader());
                        return true;
                    } catch (ClassNotFoundException e) {
                        return false;
                    }
                }
            }
            """;
    /** Written by maven-dependency-plugin: this module's runtime class path less Vert.x and Netty. */
    private static final Path OFFLOAD_JARS = Path.of("target", "worker-classpath.txt");

    @TempDir
    Path handlers;

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void shouldRunAHandlerThatOnlyTheWorkersClassPathHoldsWithoutVertxOrNetty(String transport) throws Exception {
        compileHandler();
        String workerClassPath = handlers + File.pathSeparator + Files.readString(OFFLOAD_JARS).strip();
        assertThatThrownBy(() -> Class.forName(HANDLER)).as("the caller must not have the handler")
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(workerClassPath).doesNotContain("vertx", "netty");

        try (WorkerPool pool = WorkerPool.start(smallPool(transport).workerClassPath(workerClassPath).build())) {
            byte[] answer = pool.submitJson(HANDLER, "\"hello\"".getBytes(StandardCharsets.UTF_8), JobOptions.defaults()).join();

            JsonNode where = JsonMapper.builder().build().readTree(answer);
            assertThat(where.get("probe").asText()).isEqualTo("hello");
            assertThat(where.get("vertx").asBoolean()).as("Vert.x in the worker").isFalse();
            assertThat(where.get("netty").asBoolean()).as("Netty in the worker").isFalse();
            assertThat(where.get("classPath").asText()).isEqualTo(workerClassPath);
            assertThat(pool.stats().transport()).isEqualTo(transport);
        }
    }

    @Test
    void shouldFailTheJobWhenTheHandlerIsOnlyOnAClassPathTheWorkersWereNotGiven() throws Exception {
        compileHandler();
        try (WorkerPool pool = WorkerPool.start(smallPool("pipe").build())) {
            Throwable failure = catchThrowable(() ->
                    pool.submitJson(HANDLER, "\"hello\"".getBytes(StandardCharsets.UTF_8), JobOptions.defaults()).join());

            assertThat(failure).isInstanceOf(CompletionException.class).cause().isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("WhereAmI");
        }
    }

    private static PoolConfigBuilder smallPool(String transport) {
        return PoolConfig.builder().transport(transport).shmStartOverPipe("never").minWorkers(1).maxWorkers(1).workerHeap("64m")
                .workerJvmArgs(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    }

    /** Compiles the handler into {@link #handlers} against the caller's class path (for JobHandler). */
    private void compileHandler() throws IOException {
        Path source = handlers.resolve("src/dev/offload/examples/isolated/WhereAmI.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, HANDLER_SOURCE);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics, "--release", "17",
                "-cp", System.getProperty("java.class.path"), "-d", handlers.toString(), source.toString());
        assertThat(status).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
    }
}
