package dev.offload.transport.internal.shm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ChronicleSupportTest {
    /** The parent pom's chronicle.jvm.flags, which Surefire passes (the source the jar's resource is made from). */
    private static final List<String> POM_FLAGS = pomList("chronicle.jvm.flags");

    @RegisterExtension
    final TestShmBase.PerTest base = TestShmBase.perTest();

    @Test
    void requiredFlagsShouldMatchThePom() {
        assertThat(ChronicleSupport.requiredJvmFlags()).containsExactlyElementsOf(POM_FLAGS);
    }

    @Test
    void quietPropertiesAndJdk23FlagsShouldMatchThePom() {
        assertThat(ChronicleSupport.quietSystemPropertyFlags()).containsExactlyElementsOf(pomList("chronicle.quiet.props"));
        assertThat(JvmFlagFiles.read(JvmFlagFiles.JDK23)).containsExactlyElementsOf(pomList("jdk23plus.jvm.flags"));
        assertThat(ChronicleSupport.jdk23JvmFlags())
                .isEqualTo(Runtime.version().feature() >= 23 ? pomList("jdk23plus.jvm.flags") : List.of());
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

    static List<String> pomList(String property) {
        String value = System.getProperty("offloadtest.pom." + property);
        assertThat(value).as("offloadtest.pom.%s (set by the parent pom's Surefire configuration)", property).isNotBlank();
        return List.of(value.strip().split("\\s+"));
    }
}
