package dev.offload.transport.internal.shm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The last worker of a pool whose owner died deletes the pool's shm directory. */
class WorkerClaimTest {
    private static final long ME = ProcessHandle.current().pid();
    private TestShmBase base;
    private ShmDirectory pool;

    @BeforeEach
    void createPool() throws IOException {
        base = TestShmBase.create();
        pool = ShmDirectory.create(base.path());
    }

    @AfterEach
    void nothingLeftBehind() throws IOException {
        pool.close();
        base.assertEmptyAndDelete();
    }

    @Test
    void shouldLeaveThePoolDirectoryToTheLastWorkerThatGoes() throws IOException {
        WorkerClaim w1 = WorkerClaim.claim(Files.createDirectory(pool.workerDir("w1")));
        WorkerClaim w2 = WorkerClaim.claim(Files.createDirectory(pool.workerDir("w2")));

        assertThat(w1.releaseAfterOwnerDied(ME)).as("w2 still lives").isFalse();
        assertThat(pool.workerDir("w1")).doesNotExist();
        assertThat(pool.path()).exists();

        assertThat(w2.releaseAfterOwnerDied(ME)).isTrue();
        assertThat(pool.path()).doesNotExist();
        assertThat(w2.releaseAfterOwnerDied(ME)).as("once").isFalse();
    }

    @Test
    void shouldDeleteTheDirectoriesOfWorkersThatDiedWithoutReleasing() throws IOException {
        WorkerClaim w1 = WorkerClaim.claim(Files.createDirectory(pool.workerDir("w1")));
        Files.writeString(Files.createDirectory(pool.workerDir("w2")).resolve(WorkerClaim.ALIVE_FILE), "");
        Files.createDirectory(pool.workerDir("w3")); // killed before it claimed anything

        assertThat(w1.releaseAfterOwnerDied(ME)).isTrue();
        assertThat(pool.path()).doesNotExist();
    }

    @Test
    void shouldNeverDeleteADirectoryThatIsNotThePoolOfTheDeadOwner() throws IOException {
        WorkerClaim w1 = WorkerClaim.claim(Files.createDirectory(pool.workerDir("w1")));
        assertThat(w1.releaseAfterOwnerDied(ME + 1)).isFalse();
        assertThat(pool.workerDir("w1")).exists();

        Path elsewhere = Files.createDirectories(base.path().resolve("not-a-pool").resolve("w1"));
        assertThat(WorkerClaim.claim(elsewhere).releaseAfterOwnerDied(ME)).isFalse();
        assertThat(elsewhere).exists();
        ShmFiles.deleteRecursively(elsewhere.getParent());
    }

    @Test
    void shouldRefuseADirectoryAnotherWorkerClaimed() throws IOException {
        Path dir = Files.createDirectory(pool.workerDir("w1"));
        WorkerClaim.claim(dir);
        assertThatThrownBy(() -> WorkerClaim.claim(dir)).isInstanceOf(Exception.class);
    }
}
