package dev.offload.service;

/** A configured handler cannot be served: its class is missing, is not a JobHandler, or cannot be made. */
final class InvalidHandlerException extends RuntimeException {
    InvalidHandlerException(String message, Throwable cause) {
        super(message, cause);
    }
}
