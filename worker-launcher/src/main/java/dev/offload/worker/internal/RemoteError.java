package dev.offload.worker.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The payload of an ERROR frame: what a handler (or the worker around it) threw.
 *
 * @param type    the remote exception's class name
 * @param message its message, may be null
 * @param stack   its printed stack trace, causes included
 */
public record RemoteError(String type, String message, String stack) {

    public static RemoteError of(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return new RemoteError(t.getClass().getName(), t.getMessage(), out.toString());
    }

    public byte[] encode() {
        try {
            return PayloadCodec.mapper().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an error report", e);
        }
    }

    public static RemoteError decode(byte[] payload) {
        try {
            return PayloadCodec.mapper().readValue(payload, RemoteError.class);
        } catch (IOException e) {
            return new RemoteError("unknown", "unreadable error report from worker: " + e.getMessage(), "");
        }
    }
}
