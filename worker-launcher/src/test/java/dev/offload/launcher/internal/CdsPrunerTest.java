package dev.offload.launcher.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache bound ({@link CdsPruner}) on real files in a directory of its own; no worker JVMs. */
class CdsPrunerTest {
    @TempDir
    Path cache;
    private int made;

    @Test
    void shouldKeepTheMostRecentlyUsedArchivesAndDeleteTheRestWithTheirFiles() throws IOException {
        List<Path> older = new ArrayList<>();
        for (int hoursAgo = 1; hoursAgo <= 12; hoursAgo++) {
            Path archive = archive(Instant.now().minus(Duration.ofHours(hoursAgo)));
            older.add(archive);
            companion(CdsMaker.lockFile(archive), Instant.now().minus(Duration.ofDays(10)));
        }
        Path failedOne = older.get(11);
        companion(CdsMaker.failedNote(failedOne), Instant.now().minus(Duration.ofDays(10)));
        companion(CdsMaker.trainingOutput(failedOne, 1234), Instant.now().minus(Duration.ofDays(10)));
        Path justMade = archive(Instant.now());

        CdsPruner.prune(justMade);

        List<Path> kept = older.subList(0, CdsPruner.KEEP_ARCHIVES - 1);
        List<Path> deleted = older.subList(CdsPruner.KEEP_ARCHIVES - 1, older.size());
        assertThat(justMade).exists();
        assertThat(kept).allMatch(Files::exists);
        assertThat(kept).allMatch(a -> Files.exists(CdsMaker.lockFile(a)));
        assertThat(deleted).noneMatch(Files::exists);
        assertThat(deleted).noneMatch(a -> Files.exists(CdsMaker.lockFile(a)));
        assertThat(ours()).hasSize(2 * CdsPruner.KEEP_ARCHIVES - 1); // the archives, and the lock files but the new one's
    }

    @Test
    void shouldDeleteAnArchiveUnusedForThirtyDaysEvenWithinTheCount() throws IOException {
        Path stale = archive(Instant.now().minus(CdsPruner.UNUSED_LIFETIME).minus(Duration.ofHours(1)));
        Path recent = archive(Instant.now().minus(CdsPruner.UNUSED_LIFETIME).plus(Duration.ofHours(1)));
        Path justMade = archive(Instant.now());

        CdsPruner.prune(justMade);

        assertThat(stale).doesNotExist();
        assertThat(List.of(recent, justMade)).allMatch(Files::exists);
    }

    @Test
    void shouldLeaveFilesThatAreNotOursAlone() throws IOException {
        Instant longAgo = Instant.now().minus(Duration.ofDays(365));
        List<Path> foreign = new ArrayList<>();
        for (String name : List.of("worker-notes.txt", "worker-pipe-short.jsa", "other.jsa", "README",
                "worker-pipe-" + "ab".repeat(10) + ".jsa.bak", "worker-pipe-" + "AB".repeat(10) + ".jsa",
                "x-worker-pipe-" + "ab".repeat(10) + ".jsa", "worker-pipe-" + "ab".repeat(10) + ".jsa.tmp")) {
            foreign.add(companion(cache.resolve(name), longAgo));
        }
        Path linkedTo = companion(cache.resolve("foreign-target"), longAgo);
        Path link = Files.createSymbolicLink(cache.resolve("worker-shm-" + "cd".repeat(10) + ".jsa"), linkedTo);
        Path directory = Files.createDirectory(cache.resolve("worker-shm-" + "ef".repeat(10) + ".jsa"));
        for (int i = 0; i < 2 * CdsPruner.KEEP_ARCHIVES; i++) {
            archive(longAgo);
        }
        Path justMade = archive(Instant.now());

        CdsPruner.prune(justMade);

        assertThat(foreign).allMatch(Files::exists);
        assertThat(List.of(link, linkedTo, directory)).allMatch(f -> Files.exists(f, LinkOption.NOFOLLOW_LINKS));
        assertThat(ours()).containsExactly(justMade);
    }

    @Test
    void shouldKeepTheFilesOfAnArchiveBeingMade() throws IOException {
        Path beingMade = archive(Instant.now().minus(Duration.ofDays(60)));
        Path lockFile = companion(CdsMaker.lockFile(beingMade), Instant.now().minus(Duration.ofDays(60)));
        Path output = companion(CdsMaker.trainingOutput(beingMade, ProcessHandle.current().pid()), Instant.now());
        Path justMade = archive(Instant.now());

        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            CdsPruner.prune(justMade);
        }

        assertThat(List.of(beingMade, lockFile, output)).allMatch(Files::exists);
    }

    @Test
    void shouldDeleteTheFilesOfANameWithoutAnArchiveOnceADayOld() throws IOException {
        Path abandoned = cache.resolve(CdsCache.archiveName(List.of("java", "abandoned"), "", "shm"));
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
        List<Path> abandonedFiles = List.of(companion(CdsMaker.lockFile(abandoned), twoDaysAgo),
                companion(CdsMaker.failedNote(abandoned), twoDaysAgo), companion(CdsMaker.trainingOutput(abandoned, 99), twoDaysAgo));
        Path failedToday = cache.resolve(CdsCache.archiveName(List.of("java", "failed today"), "", "shm"));
        List<Path> failedTodayFiles = List.of(companion(CdsMaker.lockFile(failedToday), twoDaysAgo),
                companion(CdsMaker.failedNote(failedToday), Instant.now().minus(Duration.ofHours(1))));
        Path justMade = archive(Instant.now());

        CdsPruner.prune(justMade);

        assertThat(abandonedFiles).noneMatch(Files::exists);
        assertThat(failedTodayFiles).as("a .failed note counts for a day").allMatch(Files::exists);
        assertThat(CdsMaker.failedRecently(failedToday)).isTrue();
    }

    @Test
    void shouldRecogniseEveryFileTheMakerWritesAsOursAndNothingElse() {
        Path archive = cache.resolve(CdsCache.archiveName(List.of("java", "-cp", "x.jar"), "x.jar", "pipe"));
        String name = archive.getFileName().toString();
        for (Path file : List.of(archive, CdsMaker.lockFile(archive), CdsMaker.failedNote(archive),
                CdsMaker.trainingOutput(archive, ProcessHandle.current().pid()))) {
            assertThat(CdsCache.archiveOf(file.getFileName().toString())).as(file.toString()).isEqualTo(name);
        }
        assertThat(CdsCache.archiveOf(name + ".old")).isNull();
        assertThat(CdsCache.archiveOf("worker-pipe-.jsa")).isNull();
    }

    /** A stand-in archive with a name of ours, last used at {@code lastUsed}. */
    private Path archive(Instant lastUsed) throws IOException {
        String hex = HexFormat.of().formatHex(new byte[10]).substring(4) + String.format("%04x", made++);
        return companion(cache.resolve("worker-pipe-" + hex + ".jsa"), lastUsed);
    }

    private static Path companion(Path file, Instant modified) throws IOException {
        Files.writeString(file, "stand-in");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private List<Path> ours() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> CdsCache.archiveOf(f.getFileName().toString()) != null
                            && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .sorted().toList();
        }
    }
}
