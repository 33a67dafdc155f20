package dev.offload.worker.internal;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.util.Map;

/**
 * The one job a training worker runs while its classes are recorded for the workers' AppCDS
 * archive (the launcher's {@code CdsArchive}): it answers its input, so that decoding, running and
 * encoding a job are recorded too. Not for users.
 */
public final class TrainingJob implements JobHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handle(Map<String, Object> input, JobContext context) {
        return input;
    }
}
