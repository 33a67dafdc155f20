package dev.offload.pool;

import dev.offload.pool.handlers.Echo;

/**
 * Run in a JVM started WITHOUT Chronicle's --add-opens/--add-exports flags: starts a pool with the
 * transport named in args[0], runs one job, prints the transport really used, or the error.
 */
public final class NoFlagsMain {
    private NoFlagsMain() {
    }

    public static void main(String[] args) {
        try (WorkerPool pool = WorkerPool.start(TestPools.config(args[0], 1).build())) {
            String answer = pool.submit(Echo.class, "hello").join();
            System.out.println("RESULT " + answer + " over " + pool.stats().transport());
        } catch (OffloadException e) {
            System.out.println("ERROR " + e.getMessage());
        }
    }
}
