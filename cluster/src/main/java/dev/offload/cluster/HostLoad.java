package dev.offload.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Objects;

/**
 * What a host publishes about itself on the cluster's load topic: where it
 * listens, how much room it has ({@link LocalLoad#free()}), how many jobs its workers finished, and
 * whether it takes jobs at all (false once it drains). {@code version} counts its publications, so a
 * reader can tell a newer figure from one it has already taken in. Immutable once read.
 */
final class HostLoad implements IdentifiedDataSerializable {
    private long version;
    private String address;
    private boolean accepting;
    private int free;
    private long completed;

    HostLoad() {
    }

    HostLoad(long version, String address, boolean accepting, int free, long completed) {
        this.version = version;
        this.address = address;
        this.accepting = accepting;
        this.free = free;
        this.completed = completed;
    }

    long version() {
        return version;
    }

    String address() {
        return address;
    }

    boolean accepting() {
        return accepting;
    }

    int free() {
        return free;
    }

    long completed() {
        return completed;
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.HOST_LOAD;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(version);
        out.writeString(address);
        out.writeBoolean(accepting);
        out.writeInt(free);
        out.writeLong(completed);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        version = in.readLong();
        address = in.readString();
        accepting = in.readBoolean();
        free = in.readInt();
        completed = in.readLong();
    }

    /** Same figures, whatever the version. */
    boolean sameFigures(HostLoad h) {
        return h != null && accepting == h.accepting && free == h.free && completed == h.completed
                && Objects.equals(address, h.address);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostLoad h && version == h.version && accepting == h.accepting && free == h.free && completed == h.completed
                && Objects.equals(address, h.address);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, address, accepting, free, completed);
    }

    @Override
    public String toString() {
        return address + (accepting ? "" : " (draining)") + " free=" + free + " completed=" + completed + " v" + version;
    }
}
