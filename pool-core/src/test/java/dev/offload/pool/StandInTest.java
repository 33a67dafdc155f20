package dev.offload.pool;

import dev.offload.pool.handlers.Pid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shm pool whose first workers start over pipes ({@code transport.shm.startOverPipe}): it serves
 * from the first job on those stand-ins, replaces each by a shm worker in the background without
 * losing or repeating a job, and ends with only shm workers, the stand-ins' processes gone.
 */
@ExtendWith(NoLeftovers.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandInTest {

    @Test
    void shouldServeOnPipeStandInsThenMoveEveryWorkerToShmWithoutLosingAJob() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 2).shmStartOverPipe("always").build())) {
            WorkerLink[] first = pool.links();
            assertThat(first).hasSize(2).allSatisfy(link -> {
                assertThat(link.isStandIn()).isTrue();
                assertThat(link.worker.transport()).isEqualTo("pipe");
            });
            assertThat(pool.stats().transport()).isEqualTo("pipe");
            Set<Long> standInPids = Arrays.stream(first).map(link -> link.worker.pid()).collect(Collectors.toSet());

            // Jobs keep coming while the workers change: 5 ms each, a few hundred of them.
            List<CompletableFuture<long[]>> futures = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(pool.stats().transport().equals("shm") && pool.stats().workers() == 2) || futures.size() < 200) {
                assertThat(System.nanoTime() - deadline).as("all workers on shm within 60 s: " + pool.stats()).isNegative();
                List<CompletableFuture<long[]>> batch = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    batch.add(pool.submit(Pid.class, 5L));
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                futures.addAll(batch);
            }

            Set<Long> servedBy = new HashSet<>();
            futures.forEach(f -> servedBy.add(f.join()[0]));
            WorkerLink[] last = pool.links();
            assertThat(last).hasSize(2).allSatisfy(link -> {
                assertThat(link.isStandIn()).isFalse();
                assertThat(link.worker.transport()).isEqualTo("shm");
            });
            Set<Long> shmPids = Arrays.stream(last).map(link -> link.worker.pid()).collect(Collectors.toSet());
            assertThat(servedBy).as("jobs ran on the stand-ins, then on their shm successors")
                    .containsAnyElementsOf(standInPids).containsAnyElementsOf(shmPids);
            await().atMost(Duration.ofSeconds(10)).until(() -> standInPids.stream()
                    .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));

            PoolStats stats = pool.stats();
            assertThat(stats.completed()).isEqualTo(futures.size());
            assertThat(stats.failed()).isZero();
            assertThat(stats.crashes()).isZero();
            assertThat(stats.restarts()).as("replacing a stand-in is not a restart").isZero();
            System.out.printf("stand-ins %s replaced by shm workers %s; %d jobs, every one completed once%n",
                    standInPids, shmPids, futures.size());
        }
    }

    @Test
    void shouldStartOverShmAtOnceWhenAskedOrWhenThisJvmUsesSharedMemoryAlready() {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).shmStartOverPipe("never").build())) {
            assertThat(pool.stats().transport()).isEqualTo("shm");
            assertThat(pool.links()).allSatisfy(link -> assertThat(link.isStandIn()).isFalse());
        }
        // Chronicle is loaded here now: "auto" starts over shm too.
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).shmStartOverPipe("auto").build())) {
            assertThat(pool.stats().transport()).isEqualTo("shm");
            assertThat(pool.links()).allSatisfy(link -> assertThat(link.isStandIn()).isFalse());
        }
    }

    @Test
    void shouldStopTheShmStartUnderWayAndLeaveNothingWhenThePoolShutsDownAtOnce() throws Exception {
        WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).shmStartOverPipe("always").build());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.counters().starting.get() == 1);
            assertThat(pool.submit(Pid.class, 0L).get(30, TimeUnit.SECONDS)[0]).isEqualTo(pool.links()[0].worker.pid());
            pool.shutdown().get(30, TimeUnit.SECONDS);
            assertThat(pool.stats().crashes()).as("a start the pool stopped is not a crash").isZero();
            assertThat(pool.stats().workers()).isZero();
        } finally {
            pool.close();
        }
    }

    /**
     * Workers whose class path lacks Chronicle Queue: a pipe worker runs, a shm worker cannot open
     * its channel. The pool keeps serving on its stand-ins, tries five replacements with back-off,
     * then stops trying; it is never in a crash loop.
     */
    @Test
    void shouldKeepServingOnTheStandInsWhenShmWorkersCannotStart() throws Exception {
        String withoutChronicle = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("chronicle"))
                .collect(Collectors.joining(File.pathSeparator));
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).shmStartOverPipe("always")
                .workerClassPath(withoutChronicle).workerCds(false).build())) {
            long standIn = pool.links()[0].worker.pid();
            assertThat(pool.submit(Pid.class, 0L).get(30, TimeUnit.SECONDS)[0]).isEqualTo(standIn);
            await().atMost(Duration.ofSeconds(60)).until(() -> pool.spawner().standInsStay());
            assertThat(pool.submit(Pid.class, 0L).get(30, TimeUnit.SECONDS)[0]).isEqualTo(standIn);
            PoolStats stats = pool.stats();
            assertThat(stats.transport()).isEqualTo("pipe");
            assertThat(stats.workers()).isEqualTo(1);
            assertThat(stats.crashLoop()).isFalse();
            assertThat(stats.failed()).isZero();
        }
    }

    @Test
    void shouldReplaceAStandInThatDiesByAShmWorkerAndRetryItsJob() throws Exception {
        try (WorkerPool pool = WorkerPool.start(TestPools.config("shm", 1).shmStartOverPipe("always").build())) {
            WorkerLink standIn = pool.links()[0];
            assertThat(standIn.isStandIn()).isTrue();
            CompletableFuture<long[]> job = pool.submit(Pid.class, 2_000L);
            await().atMost(Duration.ofSeconds(10)).until(() -> standIn.load() == 1);
            standIn.worker.kill();
            long pid = job.get(60, TimeUnit.SECONDS)[0];
            assertThat(pid).isNotEqualTo(standIn.worker.pid());
            await().atMost(Duration.ofSeconds(60)).until(() -> pool.stats().transport().equals("shm")
                    && pool.stats().workers() == 1);
            assertThat(pool.stats().failed()).isZero();
        }
    }
}
