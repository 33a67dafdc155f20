package dev.offload.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * How an attempt ended, sent by the host that ran it back to the submitter. Runs on the submitting
 * host, on a Hazelcast executor thread.
 */
final class ResultMessage implements Callable<Object>, IdentifiedDataSerializable {
    private final Dispatch dispatch;
    private UUID host;
    private long jobId;
    private int attempt;
    private Outcome outcome;

    ResultMessage(Dispatch dispatch) {
        this.dispatch = dispatch;
    }

    ResultMessage(UUID host, long jobId, int attempt, Outcome outcome) {
        this.dispatch = null;
        this.host = host;
        this.jobId = jobId;
        this.attempt = attempt;
        this.outcome = outcome;
    }

    @Override
    public Object call() {
        dispatch.result(this);
        return null;
    }

    UUID host() {
        return host;
    }

    long jobId() {
        return jobId;
    }

    int attempt() {
        return attempt;
    }

    Outcome outcome() {
        return outcome;
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.RESULT;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        Wire.writeUuid(out, host);
        out.writeLong(jobId);
        out.writeInt(attempt);
        outcome.writeTo(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        host = Wire.readUuid(in);
        jobId = in.readLong();
        attempt = in.readInt();
        outcome = Outcome.readFrom(in);
    }
}
