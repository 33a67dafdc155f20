package dev.offload.worker.internal;

import com.fasterxml.jackson.databind.JavaType;
import dev.offload.worker.JobHandler;

/**
 * The input and output types a handler class declares for {@link JobHandler}, resolved through
 * superclasses and generic interfaces; a type left open resolves to {@code Object}.
 */
public record HandlerTypes(JavaType input, JavaType output) {

    public static HandlerTypes of(Class<?> handlerClass) {
        if (!JobHandler.class.isAssignableFrom(handlerClass)) {
            throw new IllegalArgumentException(handlerClass.getName() + " does not implement " + JobHandler.class.getName());
        }
        JavaType[] params = PayloadCodec.types().constructType(handlerClass).findTypeParameters(JobHandler.class);
        if (params == null || params.length != 2) {
            return new HandlerTypes(PayloadCodec.objectType(), PayloadCodec.objectType());
        }
        return new HandlerTypes(params[0], params[1]);
    }
}
