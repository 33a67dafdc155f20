package dev.offload.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.UUID;

/**
 * The types Offload sends between hosts, all {@link IdentifiedDataSerializable}: a class id and
 * fields of bytes, strings and numbers, so Java serialisation never carries anything of ours. Hazelcast
 * calls {@link #create} on whichever of its threads reads a message that arrived; each message is
 * handed the {@link Dispatch} it reports to when run.
 */
final class Wire implements DataSerializableFactory {
    /** Any constant that no other factory of the member uses; Hazelcast's own ids are negative. */
    static final int FACTORY_ID = 0x0FF10AD;
    static final int JOB = 1;
    static final int RESULT = 2;
    static final int CANCEL = 3;
    static final int HOST_LOAD = 4;

    private final Dispatch dispatch;

    Wire(Dispatch dispatch) {
        this.dispatch = dispatch;
    }

    @Override
    public IdentifiedDataSerializable create(int classId) {
        return switch (classId) {
            case JOB -> new JobMessage(dispatch);
            case RESULT -> new ResultMessage(dispatch);
            case CANCEL -> new CancelMessage(dispatch);
            case HOST_LOAD -> new HostLoad();
            default -> null; // Hazelcast reports an unknown class id itself
        };
    }

    static void writeUuid(ObjectDataOutput out, UUID uuid) throws IOException {
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
    }

    static UUID readUuid(ObjectDataInput in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }
}
