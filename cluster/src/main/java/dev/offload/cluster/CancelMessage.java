package dev.offload.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * "Stop this attempt": the submitter's timer fired or its caller cancelled. Sent only after the host
 * accepted the attempt, so it always finds the job there or finds it finished. Runs on the receiving
 * host, on a Hazelcast executor thread.
 */
final class CancelMessage implements Callable<Object>, IdentifiedDataSerializable {
    private final Dispatch dispatch;
    private UUID submitter;
    private long jobId;
    private int attempt;

    CancelMessage(Dispatch dispatch) {
        this.dispatch = dispatch;
    }

    CancelMessage(UUID submitter, long jobId, int attempt) {
        this.dispatch = null;
        this.submitter = submitter;
        this.jobId = jobId;
        this.attempt = attempt;
    }

    @Override
    public Object call() {
        dispatch.cancel(this);
        return null;
    }

    HostedKey key() {
        return new HostedKey(submitter, jobId, attempt);
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.CANCEL;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        Wire.writeUuid(out, submitter);
        out.writeLong(jobId);
        out.writeInt(attempt);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        submitter = Wire.readUuid(in);
        jobId = in.readLong();
        attempt = in.readInt();
    }
}
