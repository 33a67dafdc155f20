package dev.offload.service;

import dev.offload.pool.NoLeftovers;
import dev.offload.transport.internal.shm.JvmFlagFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM flags are written once, as properties of the parent pom, which Failsafe passes here as
 * {@code offloadtest.pom.*}; every copy the build makes of them must equal that source: the jars'
 * argument files, the runnable jars' manifests, bin/offload's argument files and what
 * {@code offload jvm-flags} prints. And those printed flags are all a plain {@code java} needs to
 * run a pool over shared memory.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(120)
class JvmFlagsIT {
    private static final Path REPO = ServeProcess.REPO;

    @TempDir
    Path dir;

    @Test
    void theJarsArgumentFilesShouldHoldThePomsLists() {
        assertThat(JvmFlagFiles.read(JvmFlagFiles.CHRONICLE))
                .containsExactlyElementsOf(concat(pom("chronicle.jvm.flags"), pom("chronicle.quiet.props")));
        assertThat(JvmFlagFiles.read(JvmFlagFiles.JDK23)).containsExactlyElementsOf(pom("jdk23plus.jvm.flags"));
        assertThat(JvmFlagFiles.read(JvmFlagFiles.CLUSTER)).containsExactlyElementsOf(pom("hazelcast.jvm.flags"));
    }

    @Test
    void theServiceJarsManifestShouldExportAndOpenWhatThePomNames() throws IOException {
        Attributes manifest = manifest(REPO.resolve("service/target/offload.jar"));
        assertManifestMatchesThePom(manifest);
        assertThat(manifest.getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
    }

    @Test
    void theBenchmarksJarsManifestShouldExportAndOpenWhatThePomNames() throws IOException {
        Path jar = REPO.resolve("jmh/target/benchmarks.jar");
        // The reactor builds jmh before service; `mvn -pl service -am` does not build it at all.
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jar), "jmh/target/benchmarks.jar is not built");
        assertManifestMatchesThePom(manifest(jar));
    }

    @Test
    void binOffloadsArgumentFilesShouldHoldThePomsLists() throws IOException {
        Path flags = REPO.resolve("service/target/jvm-flags");
        assertThat(JvmFlagFiles.parse("offload.args", Files.readString(flags.resolve("offload.args"))))
                .containsExactlyElementsOf(concat(pom("chronicle.jvm.flags"), pom("hazelcast.jvm.flags"), pom("chronicle.quiet.props")));
        assertThat(JvmFlagFiles.parse("jdk23.args", Files.readString(flags.resolve("jdk23.args"))))
                .containsExactlyElementsOf(pom("jdk23plus.jvm.flags"));
    }

    @Test
    void jvmFlagsShouldPrintThePomsListsOnePerLine() throws Exception {
        List<String> jdk23 = Runtime.version().feature() >= 23 ? pom("jdk23plus.jvm.flags") : List.of();
        List<String> modules = pom("chronicle.jvm.flags").stream().filter(JvmFlagsIT::moduleIsHere).toList();

        assertThat(run(dir, ServeProcess.SCRIPT.toString(), "jvm-flags").lines())
                .containsExactlyElementsOf(concat(modules, jdk23, pom("chronicle.quiet.props")));
        assertThat(run(dir, ServeProcess.SCRIPT.toString(), "jvm-flags", "--cluster").lines())
                .containsExactlyElementsOf(concat(modules, pom("hazelcast.jvm.flags"), jdk23, pom("chronicle.quiet.props")));
    }

    @Test
    void aPlainJavaWithTheFlagsOfJvmFlagsShouldRunAPoolOverShm() throws Exception {
        Path argFile = Files.writeString(dir.resolve("offload.args"), run(dir, ServeProcess.SCRIPT.toString(), "jvm-flags"));

        String out = run(dir, java(), "@" + argFile, "-cp", System.getProperty("java.class.path"),
                ShmPoolMain.class.getName());

        assertThat(out).contains("fib(40) = 102334155").contains("transport=shm completed=1");
    }

    private static void assertManifestMatchesThePom(Attributes manifest) {
        List<String> flags = concat(pom("chronicle.jvm.flags"), pom("hazelcast.jvm.flags"));
        assertThat(manifest.getValue("Add-Exports").split(" ")).containsExactlyElementsOf(modulePackages(flags, "--add-exports="));
        assertThat(manifest.getValue("Add-Opens").split(" ")).containsExactlyElementsOf(modulePackages(flags, "--add-opens="));
    }

    /** {@code module/package} of each flag of one kind: the manifest's spelling of {@code --add-opens=module/package=ALL-UNNAMED}. */
    private static List<String> modulePackages(List<String> flags, String kind) {
        return flags.stream().filter(f -> f.startsWith(kind))
                .peek(f -> assertThat(f).endsWith("=ALL-UNNAMED"))
                .map(f -> f.substring(kind.length(), f.length() - "=ALL-UNNAMED".length()))
                .toList();
    }

    private static boolean moduleIsHere(String flag) {
        String module = flag.substring(flag.indexOf('=') + 1, flag.indexOf('/'));
        return ModuleLayer.boot().findModule(module).isPresent();
    }

    private static Attributes manifest(Path jar) throws IOException {
        assertThat(jar).isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes();
        }
    }

    private static List<String> pom(String property) {
        String value = System.getProperty("offloadtest.pom." + property);
        assertThat(value).as("offloadtest.pom.%s (set by the parent pom's Failsafe configuration)", property).isNotBlank();
        return List.of(value.strip().split("\\s+"));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs a command to its end (bin/offload on this test's JDK); returns its stdout, stderr on failure. */
    private static String run(Path dir, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList(command));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit status of %s; stderr:%n%s", cmd, Files.readString(err)).isZero();
        return stdout;
    }
}
