package dev.offload.launcher.internal;

import dev.offload.config.PoolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers' AppCDS archive, with real worker JVMs on a class path of jars (the JVM archives nothing
 * from directories, so this test's own class directories are jarred first).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CdsArchiveTest {
    @TempDir
    static Path jars;
    private static String jarClassPath;

    @TempDir
    Path dir;
    private Path cache;

    @BeforeEach
    void jarTheClassPath() throws IOException {
        cache = dir.resolve("cache");
        if (jarClassPath != null) {
            return;
        }
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = jars.resolve("dir" + n++ + ".jar");
                jar(path, jar);
                entries.add(jar.toString());
            } else {
                entries.add(entry);
            }
        }
        jarClassPath = String.join(File.pathSeparator, entries);
    }

    @Test
    void shouldMakeTheArchiveOnceAndStartLaterWorkersFromIt() throws IOException {
        try (WorkerLauncher launcher = pipeLauncher()) {
            launcher.launch("w1").close();
            Path archive = awaitArchive();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");

            WorkerProcess second = launcher.launch("w2");
            second.close();
            assertThat(classesFromTopArchive(second.pid())).as("classes of worker w2 mapped from " + archive).isPositive();
            assertThat(leftoverTemporaryFiles()).isEmpty();
        }
    }

    @Test
    void shouldMakeAnotherArchiveForAPoolStartedAfterAJarChanged() throws IOException {
        Path before;
        try (WorkerLauncher launcher = pipeLauncher()) {
            launcher.launch("w1").close();
            before = awaitArchive();
        }
        Path jar = Path.of(jarClassPath.split(File.pathSeparator)[0]);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60))); // "rebuilt"
        try (WorkerLauncher launcher = pipeLauncher()) {
            WorkerProcess first = launcher.launch("w1");
            first.close();
            assertThat(classesFromTopArchive(first.pid())).as("no archive for the new jar yet").isZero();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> archives().size() == 2);

            WorkerProcess second = launcher.launch("w2");
            second.close();
            assertThat(classesFromTopArchive(second.pid())).isPositive();
        }
        assertThat(before).as("kept for other class paths: the most recently used " + CdsPruner.KEEP_ARCHIVES + " are")
                .exists();
    }

    @Test
    void shouldStartWorkersWhenAnotherPoolPrunedTheirArchiveMeanwhile() throws IOException {
        try (WorkerLauncher launcher = pipeLauncher()) {
            launcher.launch("w1").close();
            Path archive = awaitArchive();

            // Another pool makes an archive, and finds ours the least recently used of too many.
            List<Path> others = new ArrayList<>();
            for (int i = 0; i < CdsPruner.KEEP_ARCHIVES; i++) {
                Path other = cache.resolve(CdsCache.archiveName(List.of("java", "other " + i), "", "pipe"));
                Files.writeString(other, "stand-in");
                Files.setLastModifiedTime(other, FileTime.from(Instant.now().plusSeconds(60 + i)));
                others.add(other);
            }
            CdsPruner.prune(others.get(0));
            assertThat(archive).doesNotExist();

            // Gone between the launcher's look and the JVM's: that JVM runs without class data sharing.
            WorkerProcess raced = launcher.start("w2", false, List.of("-XX:SharedArchiveFile=" + archive),
                    StderrPump.LineFilter.NONE);
            assertThat(raced.isAlive()).isTrue();
            raced.close();

            WorkerProcess without = launcher.launch("w3");
            assertThat(without.isAlive()).isTrue();
            without.close();
            assertThat(classesFromTopArchive(without.pid())).as("started without the deleted archive").isZero();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(archive));

            WorkerProcess remade = launcher.launch("w4");
            remade.close();
            assertThat(classesFromTopArchive(remade.pid())).as("started from the archive made again").isPositive();
        }
    }

    @Test
    void shouldDeleteAnArchiveTheWorkersJvmRefusesAndLogItOnce() throws IOException {
        try (WorkerLauncher launcher = pipeLauncher()) {
            CdsArchive cds = CdsArchive.forCommand(WorkerCommand.jvmCommand(config("pipe"), List.of()), jarClassPath, "pipe",
                    List.of(cache), new CdsTraining(launcher));
            Files.writeString(cds.path(), "stand-in");
            String refusal = "[0.015s][warning][cds,dynamic] Unable to use shared archive. The top archive failed to load: "
                    + cds.path();
            assertThat(cds.handledStderrLine("w1", refusal)).isTrue();
            assertThat(cds.path()).doesNotExist();
            assertThat(cds.handledStderrLine("w2", "[0.016s][error  ][cds] shared class paths mismatch")).isTrue();
            assertThat(cds.handledStderrLine("w2", "[0.9s][warning][gc] something else")).isFalse();
            assertThat(cds.handledStderrLine("w2", "Exception in thread \"main\" ...")).isFalse();
        }
    }

    @Test
    void shouldStartAWorkerWhoseArchiveIsCorruptOrNotAnArchive() throws IOException {
        try (WorkerLauncher launcher = pipeLauncher()) {
            launcher.launch("w1").close();
            Path archive = awaitArchive();
            byte[] whole = Files.readAllBytes(archive);
            Files.delete(archive);

            // Cut short: the header is right, the regions are missing; mapping them kills the JVM with SIGBUS.
            Files.write(archive, java.util.Arrays.copyOf(whole, 64 * 1024));
            WorkerProcess afterCrash = launcher.launch("w2");
            assertThat(afterCrash.isAlive()).isTrue();
            afterCrash.close();

            // Not an archive at all: the JVM would ignore it without a word, every time.
            awaitArchive();
            Files.delete(archive);
            Files.writeString(archive, "not an archive");
            WorkerProcess afterGarbage = launcher.launch("w3");
            afterGarbage.close();
            assertThat(Files.exists(archive) ? Files.readString(archive, java.nio.charset.StandardCharsets.ISO_8859_1) : "")
                    .isNotEqualTo("not an archive");
        }
    }

    @Test
    void shouldMakeNoArchiveWhenSwitchedOffOrWhenTheClassPathHasDirectories() throws IOException {
        PoolConfig off = config("pipe").toBuilder().workerCds(false).build();
        PoolConfig directories = config("pipe").toBuilder().workerClassPath(System.getProperty("java.class.path")).build();
        for (PoolConfig config : List.of(off, directories)) {
            try (TransportSelection transport = TransportSelection.choose(config);
                 WorkerLauncher launcher = new WorkerLauncher(config, transport, List.of(cache))) {
                launcher.launch("w1").close();
            }
        }
        assertThat(cache).doesNotExist();
    }

    @Test
    void shouldRefuseACacheDirectoryOthersMayWriteTo() throws IOException {
        Path shared = Files.createDirectory(dir.resolve("shared"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(CdsCache.directory(List.of(shared, cache))).isEqualTo(cache);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> CdsCache.directory(List.of(shared))))
                .hasMessageContaining(shared + " is writable by other users (rwxrwxrwx)");
    }

    @AfterEach
    void noWorkerOutlivesItsLauncher() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
    }

    /** A launcher over pipes: its transport selection holds nothing to close. */
    private WorkerLauncher pipeLauncher() throws IOException {
        return new WorkerLauncher(config("pipe"), TransportSelection.choose(config("pipe")), List.of(cache));
    }

    private PoolConfig config(String transport) {
        return PoolConfig.builder().transport(transport).workerHeap("64m").workerClassPath(jarClassPath)
                .startTimeout(Duration.ofSeconds(60))
                .workerJvmArgs(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Xlog:class+load=info:file=" + dir.resolve("classes-%p.log"),
                        "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log")))
                .build();
    }

    private Path awaitArchive() throws IOException {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> archives().size() == 1);
        return archives().get(0);
    }

    private List<Path> archives() throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    private List<Path> leftoverTemporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    /** How many classes worker {@code pid} mapped from the dynamic archive, by its class-load log. */
    private long classesFromTopArchive(long pid) throws IOException {
        try (Stream<String> lines = Files.lines(dir.resolve("classes-" + pid + ".log"))) {
            return lines.filter(l -> l.contains("source: shared objects file (top)")).count();
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
    }
}
