package dev.offload.launcher.internal;

import dev.offload.config.PoolConfig;
import dev.offload.transport.internal.shm.ChronicleSupport;
import dev.offload.transport.internal.shm.ShmDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * Which transport a pool's workers start on, decided once at pool start: {@code pipe} as asked,
 * {@code shm} as asked (or a clear failure), or {@code auto}: shm when this JVM and the shm
 * directory allow it, else pipe with one WARN line that says why.
 */
public final class TransportSelection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransportSelection.class);

    private final String requested;
    private final ShmDirectory shmDirectory;

    private TransportSelection(String requested, ShmDirectory shmDirectory) {
        this.requested = requested;
        this.shmDirectory = shmDirectory;
    }

    public static TransportSelection choose(PoolConfig config) throws TransportUnavailableException {
        String requested = config.transport();
        ChronicleSupport.quietChronicle(); // before any Chronicle class loads in this JVM
        if (requested.equals("pipe")) {
            return new TransportSelection(requested, null);
        }
        String reason = null;
        ShmDirectory dir = null;
        List<String> missing = ChronicleSupport.missingJvmFlags();
        if (!missing.isEmpty()) {
            reason = "this JVM lacks the flags Chronicle Queue needs: " + String.join(" ", missing);
        } else {
            try {
                ShmDirectory.sweep(config.shmDir());
                dir = ShmDirectory.create(config.shmDir());
            } catch (IOException | RuntimeException e) {
                reason = "cannot use transport.shm.dir " + config.shmDir() + ": " + e.getMessage();
            }
        }
        if (reason == null) {
            return new TransportSelection(requested, dir);
        }
        if (requested.equals("shm")) {
            throw new TransportUnavailableException("transport.kind is shm but shared memory is unavailable: " + reason
                    + " (add the flags: `offload jvm-flags` prints them; fix the directory; or use transport.kind auto or pipe)");
        }
        LOG.warn("transport auto: using pipes instead of shared memory because {}", reason);
        return new TransportSelection(requested, null);
    }

    /** "shm" or "pipe": what new workers are started on. */
    public String kind() {
        return shmDirectory != null ? "shm" : "pipe";
    }

    /** True when a worker that cannot open shared memory may be retried over pipes. */
    boolean mayFallBack() {
        return requested.equals("auto");
    }

    ShmDirectory shmDirectory() {
        return shmDirectory;
    }

    /** The pool's shm directory (for its spin gate), or null on pipes. */
    public java.nio.file.Path shmPoolDirectory() {
        return shmDirectory == null ? null : shmDirectory.path();
    }

    @Override
    public void close() {
        if (shmDirectory != null) {
            shmDirectory.close();
        }
    }
}
