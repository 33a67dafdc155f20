package dev.offload.worker;

/** What a running job may know and say about itself. */
public interface JobContext {

    /** The pool-wide id of the job, the same on every attempt. */
    String jobId();

    /** 1 on the first run; higher when the job is re-run after its worker died. */
    int attempt();

    /**
     * True once the caller cancelled the job or its timeout passed. A handler that checks it and
     * returns early keeps its worker; one that does not is killed after a short grace.
     */
    boolean isCancelled();

    /**
     * Streams an update to the caller's progress listener while the job runs. The update is
     * encoded with Jackson; delivery is in order and before the job's result.
     */
    void progress(Object update);
}
