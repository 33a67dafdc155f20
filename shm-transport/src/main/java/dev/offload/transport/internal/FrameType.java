package dev.offload.transport.internal;

/** The kinds of frame on a channel; the code is the byte written on the wire. */
public enum FrameType {
    /** Worker → parent, first frame: the worker is ready. Payload: JSON {pid, transport, token}. */
    HELLO(1),
    /** Parent → worker: run a job. Handler = class name, payload = encoded input. */
    JOB(2),
    /** Worker → parent: the job's encoded result. */
    RESULT(3),
    /** Worker → parent: the handler threw. Payload: JSON {type, message, stack}. */
    ERROR(4),
    /** Worker → parent: an update the handler streamed with {@code JobContext.progress}. */
    PROGRESS(5),
    /** Parent → worker: stop the job cooperatively ({@code JobContext.isCancelled()} turns true). */
    CANCEL(6),
    /** Worker → parent: still alive, sent while a job runs. */
    HEARTBEAT(7),
    /** Either way: orderly end of the conversation; the receiver closes its side. */
    BYE(8);

    private static final FrameType[] BY_CODE = new FrameType[16];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The type for a wire code, or {@code null} when the code is not one of ours. */
    public static FrameType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
