package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Writes junk to System.out (and raw bytes) while it works: none of it may reach the channel. */
public class Noisy implements JobHandler<String, String> {
    @Override
    public String handle(String input, JobContext context) {
        System.out.println("junk on stdout \u0000\u0001\u0002 " + input);
        System.out.write(new byte[] {0x0F, (byte) 0xF1, 1, 2, 3}, 0, 5);
        System.out.flush();
        return input.toUpperCase();
    }
}
