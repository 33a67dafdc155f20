package dev.offload.pool;

import dev.offload.pool.handlers.Hang;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * A caller JVM for the tests that end one without {@code close()}: starts a pool of two workers
 * over the transport in {@code args[0]}, keeps one busy, prints their pids ({@code PIDS ...}),
 * then calls {@code System.exit(0)} when a line {@code exit} arrives on stdin; otherwise it waits
 * to be killed (SIGTERM, SIGKILL).
 */
public final class OrphanParentMain {
    private OrphanParentMain() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        // A fresh JVM with the default: over shm its workers are pipe stand-ins at first.
        WorkerPool pool = WorkerPool.start(TestPools.config(args[0], 2).shmStartOverPipe("auto").build());
        pool.submit(Hang.class, "forever");
        String pids = ProcessHandle.current().children().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "));
        System.out.println("PIDS " + pids);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if ("exit".equals(in.readLine())) {
            System.exit(0); // without pool.close(): the shutdown hook's job
        }
        new CountDownLatch(1).await();
    }
}
