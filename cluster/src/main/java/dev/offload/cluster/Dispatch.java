package dev.offload.cluster;

/**
 * Where messages from other hosts go once they arrive: jobs and cancels to this host's {@link Inbox},
 * results to its {@link Outbox}. Bound once, right after the member starts; until then a job offered
 * here is refused (it costs the sender no attempt) and nothing else can arrive, since this host has
 * sent nothing yet. Runs on Hazelcast's executor threads.
 */
final class Dispatch {
    private volatile Inbox inbox;
    private volatile Outbox outbox;

    void bind(Inbox inbox, Outbox outbox) {
        this.inbox = inbox;
        this.outbox = outbox;
    }

    Admission admit(JobMessage job) {
        Inbox in = inbox;
        return in == null ? Admission.SHUT_DOWN : in.admit(job);
    }

    void cancel(CancelMessage cancel) {
        Inbox in = inbox;
        if (in != null) {
            in.cancel(cancel);
        }
    }

    void result(ResultMessage result) {
        Outbox out = outbox;
        if (out != null) {
            out.result(result);
        }
    }
}
