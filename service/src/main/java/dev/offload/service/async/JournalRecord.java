package dev.offload.service.async;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;

/**
 * One entry of the journal: a job accepted, started, finished, or the end of a snapshot. Encoded as
 * a version byte, a type byte, the type's fields and a CRC32 of all of that, so that a record torn
 * by a crash or damaged on disk is recognised and skipped rather than misread. Immutable.
 *
 * @param time    wall-clock milliseconds of an acceptance or an ending (it must mean the same after a restart)
 * @param attempt for {@link Type#STARTED}: how many runs the job has begun, this one included
 * @param data    the input (accepted; empty once the job finished), the result (done) or the error JSON (failed)
 */
record JournalRecord(Type type, String id, long time, int attempt, String handler, String key, byte[] fingerprint,
                     byte[] data) {
    private static final int VERSION = 1;
    private static final byte[] NONE = new byte[0];

    enum Type { ACCEPTED, STARTED, DONE, FAILED, CANCELLED, SNAPSHOT_END }

    /** A record that cannot be read: torn by a crash mid-write, or damaged. */
    static final class CorruptException extends Exception {
        CorruptException(String message) {
            super(message);
        }
    }

    /** @param key the client's Idempotency-Key or null; {@code fingerprint} identifies the request it came with */
    static JournalRecord accepted(String id, String handler, long time, String key, byte[] fingerprint, byte[] input) {
        return new JournalRecord(Type.ACCEPTED, id, time, 0, handler, key, fingerprint, input);
    }

    static JournalRecord started(String id, int attempt) {
        return new JournalRecord(Type.STARTED, id, 0, attempt, null, null, null, NONE);
    }

    static JournalRecord done(String id, long time, byte[] result) {
        return new JournalRecord(Type.DONE, id, time, 0, null, null, null, result);
    }

    static JournalRecord failed(String id, long time, byte[] error) {
        return new JournalRecord(Type.FAILED, id, time, 0, null, null, null, error);
    }

    static JournalRecord cancelled(String id, long time) {
        return new JournalRecord(Type.CANCELLED, id, time, 0, null, null, null, NONE);
    }

    /** Closes the snapshot at the start of a journal generation; {@code jobs} is how many jobs it held. */
    static JournalRecord snapshotEnd(int jobs) {
        return new JournalRecord(Type.SNAPSHOT_END, "", 0, jobs, null, null, null, NONE);
    }

    byte[] encode() {
        var bytes = new ByteArrayOutputStream(64 + data.length);
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(type.ordinal());
            out.writeUTF(id);
            switch (type) {
                case ACCEPTED -> {
                    out.writeLong(time);
                    out.writeUTF(handler);
                    out.writeBoolean(key != null);
                    if (key != null) {
                        out.writeUTF(key);
                        writeBytes(out, fingerprint);
                    }
                    writeBytes(out, data);
                }
                case STARTED, SNAPSHOT_END -> out.writeInt(attempt);
                case DONE, FAILED -> {
                    out.writeLong(time);
                    writeBytes(out, data);
                }
                case CANCELLED -> out.writeLong(time);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    static JournalRecord decode(byte[] bytes) throws CorruptException {
        if (bytes.length < 8) {
            throw new CorruptException("a record of " + bytes.length + " bytes is too short");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ((bytes[bytes.length - 4] & 0xff) << 24) | ((bytes[bytes.length - 3] & 0xff) << 16)
                | ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
        if ((int) crc.getValue() != stored) {
            throw new CorruptException("the checksum of a record of " + bytes.length + " bytes does not match");
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            int version = in.readUnsignedByte();
            int type = in.readUnsignedByte();
            if (version != VERSION || type >= Type.values().length) {
                throw new CorruptException("unknown record version " + version + " or type " + type);
            }
            String id = in.readUTF();
            JournalRecord record = switch (Type.values()[type]) {
                case ACCEPTED -> {
                    long time = in.readLong();
                    String handler = in.readUTF();
                    boolean keyed = in.readBoolean();
                    String key = keyed ? in.readUTF() : null;
                    byte[] fingerprint = keyed ? readBytes(in) : null;
                    yield accepted(id, handler, time, key, fingerprint, readBytes(in));
                }
                case STARTED -> started(id, in.readInt());
                case DONE -> done(id, in.readLong(), readBytes(in));
                case FAILED -> failed(id, in.readLong(), readBytes(in));
                case CANCELLED -> cancelled(id, in.readLong());
                case SNAPSHOT_END -> snapshotEnd(in.readInt());
            };
            if (in.available() != 0) {
                throw new CorruptException(in.available() + " bytes left over after a " + record.type() + " record");
            }
            return record;
        } catch (IOException e) {
            throw new CorruptException("a record ends before its fields do: " + e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException, CorruptException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new CorruptException("a field claims " + length + " bytes; " + in.available() + " are left");
        }
        return in.readNBytes(length);
    }
}
