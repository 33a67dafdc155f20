package dev.offload.cluster;

import java.util.UUID;

/** One attempt of another host's job running here: who submitted it, its id there, which attempt. */
record HostedKey(UUID submitter, long jobId, int attempt) {
}
