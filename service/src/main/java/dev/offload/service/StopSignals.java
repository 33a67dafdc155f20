package dev.offload.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Turns SIGTERM and SIGINT into a stop request. Handling them (rather than letting shutdown hooks
 * run) is what makes a requested stop exit 0 instead of 143 or 130. A second signal while stopping
 * exits at once with the conventional 128+n; the workers then exit by themselves when they see
 * the parent gone, and the next pool start sweeps the shm directory left behind.
 */
final class StopSignals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final String[] NAMES = {"TERM", "INT"};

    private final CompletableFuture<String> received = new CompletableFuture<>();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private StopSignals() {
    }

    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : NAMES) {
            Signal signal = new Signal(name);
            signals.previous.put(signal, Signal.handle(signal, signals::onSignal));
        }
        return signals;
    }

    /** Blocks until a stop signal arrives; returns its name, e.g. {@code SIGTERM}. */
    String await() throws InterruptedException {
        try {
            return received.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }

    private void onSignal(Signal signal) {
        if (!received.complete("SIG" + signal.getName())) {
            LOG.warn("SIG{} again while stopping: exiting now without waiting for running jobs", signal.getName());
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
    }

    /** Puts the previous handlers back. */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
