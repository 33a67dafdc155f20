package dev.offload.pool;

import dev.offload.pool.handlers.Hang;

import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * A parent JVM for {@link SupervisionTest}: starts a pool of two workers, keeps one busy, prints
 * their pids, then waits to be killed.
 */
public final class OrphanParentMain {
    private OrphanParentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkerPool pool = WorkerPool.start(TestPools.config(args[0], 2).build());
        pool.submit(Hang.class, "forever");
        String pids = ProcessHandle.current().children().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "));
        System.out.println("PIDS " + pids);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
