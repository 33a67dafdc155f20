package dev.offload.transport.internal.shm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ChronicleSupportTest {
    private static final List<String> POM_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");

    private TestShmBase base;

    @BeforeEach
    void createBase() throws IOException {
        base = TestShmBase.create();
    }

    @AfterEach
    void nothingLeftBehind() throws IOException {
        base.assertEmptyAndDelete();
    }

    @Test
    void requiredFlagsShouldMatchThePom() {
        assertThat(ChronicleSupport.requiredJvmFlags()).containsExactlyElementsOf(POM_FLAGS);
    }

    @Test
    void thisJvmHasEveryFlagBecauseSurefirePassesThem() {
        assertThat(ChronicleSupport.missingJvmFlags()).isEmpty();
    }

    @Test
    void quietFlagsShouldSwitchOffAnalyticsAndTheBanner() {
        assertThat(ChronicleSupport.quietSystemPropertyFlags())
                .contains("-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aJvmStartedWithoutTheFlagsShouldBeToldWhichAreMissing() throws Exception {
        String out = ChildJvm.run(ChildJvm.builder(false, Map.of(), "flags"), base.path().resolve("stderr.txt"));
        Files.delete(base.path().resolve("stderr.txt"));
        // jdk.unsupported exports sun.misc to everyone already: that flag is required but never missing.
        assertThat(out.lines()).containsExactlyElementsOf(
                POM_FLAGS.stream().filter(f -> !f.contains("sun.misc")).toList());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void chronicleShouldPrintNothingToStdoutNorItsBanner() throws Exception {
        Path stderr = base.path().resolve("stderr.txt");
        Path workerDir = base.path().resolve("w0");
        try {
            String out = ChildJvm.run(ChildJvm.builder(true, Map.of(), "selftest", workerDir.toString()), stderr);
            assertThat(out).as("child stdout").isEmpty();
            assertThat(Files.readString(stderr)).as("child stderr")
                    .doesNotContain("chronicle.software").doesNotContain("Process id").doesNotContain("analytics");
        } finally {
            Files.deleteIfExists(stderr);
            ShmFiles.deleteRecursively(workerDir);
        }
    }
}
