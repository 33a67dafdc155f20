package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Never returns and ignores cancellation: only a kill stops it. */
public class Hang implements JobHandler<String, String> {
    @Override
    public String handle(String input, JobContext context) throws InterruptedException {
        while (true) {
            Thread.sleep(10); // the job's own (endless) work
        }
    }
}
