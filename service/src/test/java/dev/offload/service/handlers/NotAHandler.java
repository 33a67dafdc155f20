package dev.offload.service.handlers;

/** A class that is not a JobHandler, for the start-up checks. */
public class NotAHandler {
}
