package dev.offload.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * One attempt of a job offered to another host: the handler's class name, the input as the JSON bytes
 * the submitter encoded, and the options that matter there. {@link #call} runs on the receiving host,
 * on a Hazelcast executor thread, and answers an {@link Admission} code at once; the result comes back
 * later as a {@link ResultMessage}.
 */
final class JobMessage implements Callable<Integer>, IdentifiedDataSerializable {
    private final Dispatch dispatch;
    private UUID submitter;
    private long jobId;
    private int attempt;
    private int attemptsLeft;
    private String handler;
    private byte[] input;
    private long timeoutNanos;
    private int priority;

    /** For {@link Wire#create}: fields are read next. */
    JobMessage(Dispatch dispatch) {
        this.dispatch = dispatch;
    }

    /**
     * @param attemptsLeft runs the receiving host's pool may give the job if its workers die there
     * @param timeoutNanos what is left of the job's timeout; 0 for none
     */
    JobMessage(UUID submitter, long jobId, int attempt, int attemptsLeft, String handler, byte[] input,
               long timeoutNanos, int priority) {
        this.dispatch = null;
        this.submitter = submitter;
        this.jobId = jobId;
        this.attempt = attempt;
        this.attemptsLeft = attemptsLeft;
        this.handler = handler;
        this.input = input;
        this.timeoutNanos = timeoutNanos;
        this.priority = priority;
    }

    @Override
    public Integer call() {
        return dispatch.admit(this).code;
    }

    UUID submitter() {
        return submitter;
    }

    long jobId() {
        return jobId;
    }

    int attempt() {
        return attempt;
    }

    int attemptsLeft() {
        return attemptsLeft;
    }

    String handler() {
        return handler;
    }

    byte[] input() {
        return input;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    int priority() {
        return priority;
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.JOB;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        Wire.writeUuid(out, submitter);
        out.writeLong(jobId);
        out.writeInt(attempt);
        out.writeInt(attemptsLeft);
        out.writeString(handler);
        out.writeByteArray(input);
        out.writeLong(timeoutNanos);
        out.writeInt(priority);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        submitter = Wire.readUuid(in);
        jobId = in.readLong();
        attempt = in.readInt();
        attemptsLeft = in.readInt();
        handler = in.readString();
        input = in.readByteArray();
        timeoutNanos = in.readLong();
        priority = in.readInt();
    }
}
