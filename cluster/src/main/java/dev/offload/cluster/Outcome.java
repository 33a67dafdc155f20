package dev.offload.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.offload.pool.JobFailedException;
import dev.offload.pool.JobTimeoutException;
import dev.offload.pool.OffloadException;
import dev.offload.pool.PoolRejectedException;
import dev.offload.pool.WorkerCrashedException;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * How one attempt ended on the host that ran it, as plain fields: the result's JSON bytes, or what the
 * exception said. Rebuilt on the submitting host as the same exception type, its message naming the host.
 * Immutable.
 */
final class Outcome {
    enum Kind { RESULT, FAILED, TIMED_OUT, CRASHED, REJECTED, CANCELLED, ERROR }

    private static final String NONE = "";

    final Kind kind;
    final byte[] result;
    private final String type;
    private final String message;
    private final String remoteType;
    private final String remoteMessage;
    private final String remoteStack;
    private final long number;
    private final String signal;
    private final String stderrTail;

    private Outcome(Kind kind, byte[] result, String type, String message, String remoteType, String remoteMessage,
                    String remoteStack, long number, String signal, String stderrTail) {
        this.kind = kind;
        this.result = result;
        this.type = type;
        this.message = message;
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
        this.remoteStack = remoteStack;
        this.number = number;
        this.signal = signal;
        this.stderrTail = stderrTail;
    }

    /** What a local pool's future ended with: {@code failure} null for a result. */
    static Outcome of(byte[] result, Throwable failure) {
        if (failure == null) {
            return new Outcome(Kind.RESULT, result, NONE, NONE, NONE, NONE, NONE, 0, NONE, NONE);
        }
        Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String type = f.getClass().getName();
        String message = f.getMessage() == null ? NONE : f.getMessage();
        if (f instanceof JobFailedException e) {
            return new Outcome(Kind.FAILED, null, type, message, text(e.remoteType()), text(e.remoteMessage()),
                    e.remoteStackTrace(), 0, NONE, NONE);
        }
        if (f instanceof JobTimeoutException e) {
            return new Outcome(Kind.TIMED_OUT, null, type, message, NONE, NONE, NONE, e.timeout().toNanos(), NONE, NONE);
        }
        if (f instanceof WorkerCrashedException e) {
            return new Outcome(Kind.CRASHED, null, type, message, NONE, NONE, NONE, e.exitCode(),
                    e.signal().orElse(NONE), String.join("\n", e.stderrTail()));
        }
        if (f instanceof PoolRejectedException e) {
            return new Outcome(Kind.REJECTED, null, type, message, NONE, NONE, NONE, e.reason().ordinal(), NONE, NONE);
        }
        if (f instanceof CancellationException) {
            return new Outcome(Kind.CANCELLED, null, type, message, NONE, NONE, NONE, 0, NONE, NONE);
        }
        return new Outcome(Kind.ERROR, null, type, message, NONE, NONE, NONE, 0, NONE, NONE);
    }

    /**
     * The exception the submitter's caller sees for a failed attempt, of the type the host's pool
     * threw, saying which host ran it. Not for {@link Kind#RESULT}.
     */
    OffloadException toException(String host) {
        String where = message + " (on host " + host + ")";
        return switch (kind) {
            case FAILED -> new JobFailedException(where, nullIfNone(remoteType), nullIfNone(remoteMessage), remoteStack);
            case TIMED_OUT -> new JobTimeoutException(where, Duration.ofNanos(number));
            case CRASHED -> new WorkerCrashedException(where, (int) number, nullIfNone(signal),
                    stderrTail.isEmpty() ? List.of() : Arrays.asList(stderrTail.split("\n", -1)));
            case REJECTED -> new PoolRejectedException(PoolRejectedException.Reason.values()[(int) number], where);
            case CANCELLED, ERROR, RESULT -> new OffloadException(type + ": " + where);
        };
    }

    void writeTo(ObjectDataOutput out) throws IOException {
        out.writeByte(kind.ordinal());
        out.writeByteArray(result);
        out.writeString(type);
        out.writeString(message);
        out.writeString(remoteType);
        out.writeString(remoteMessage);
        out.writeString(remoteStack);
        out.writeLong(number);
        out.writeString(signal);
        out.writeString(stderrTail);
    }

    static Outcome readFrom(ObjectDataInput in) throws IOException {
        int kind = in.readByte();
        if (kind < 0 || kind >= Kind.values().length) {
            throw new IOException("unknown outcome kind " + kind);
        }
        return new Outcome(Kind.values()[kind], in.readByteArray(), in.readString(), in.readString(), in.readString(),
                in.readString(), in.readString(), in.readLong(), in.readString(), in.readString());
    }

    private static String text(String s) {
        return s == null ? NONE : s;
    }

    private static String nullIfNone(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
