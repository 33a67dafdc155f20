package dev.offload.service;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The answers one connection owes, written in the order of their requests however their jobs
 * finish (HTTP/1.1 pipelining), and the back-pressure that goes with them: reading pauses while
 * {@value #MAX_OWED} answers are owed or the socket's write buffer is full. Event loop only.
 *
 * <p>Each request gets a sequence number; its answer waits in a ring, indexed by that number, until
 * every earlier answer is written. Without pipelining the ring holds one entry at a time and an
 * answer is written as soon as it is given.
 */
final class AnswerQueue {
    /** Close the connection after this answer. */
    static final int CLOSE = 1;
    /** An HTTP/1.0 request that asked for keep-alive. */
    static final int HTTP10 = 2;
    /** A HEAD request: no body. */
    static final int HEAD = 4;
    /** Beyond this many owed answers a client that pipelines waits; decoding may run a few past it. */
    static final int MAX_OWED = 32;

    private final ChannelHandlerContext ctx;
    private final Runnable afterClosingAnswer;
    private ByteBuf[] ready = new ByteBuf[8];
    private CompletableFuture<?>[] jobs = new CompletableFuture<?>[8];
    private byte[] flags = new byte[8];
    /** Sequence number of the next request, and of the next answer to write. */
    private long next;
    private long written;
    /** A closing answer was written or the channel closed: nothing more goes out. */
    private boolean finished;
    /** Inside a read: writes are flushed once, when the read completes. */
    private boolean batching;
    private boolean unflushed;
    private boolean reading = true;

    /** @param afterClosingAnswer runs once the answer marked {@link #CLOSE} is on the wire */
    AnswerQueue(ChannelHandlerContext ctx, Runnable afterClosingAnswer) {
        this.ctx = ctx;
        this.afterClosingAnswer = afterClosingAnswer;
    }

    /** A place for the answer to the request just read; {@code flags}: {@link #CLOSE}, {@link #HTTP10}, {@link #HEAD}. */
    long reserve(int flags) {
        if (next - written == ready.length) {
            grow();
        }
        this.flags[index(next)] = (byte) flags;
        long seq = next++;
        updateReading();
        return seq;
    }

    void closeAfter(long seq) {
        flags[index(seq)] |= CLOSE;
    }

    /** Close the connection after the last answer owed (the service is stopping). */
    void closeAfterLast() {
        if (next > written) {
            closeAfter(next - 1);
        }
    }

    /** True if every answer before {@code seq} was written (an interim 100 Continue may go out now). */
    boolean isNext(long seq) {
        return seq == written;
    }

    int owed() {
        return (int) (next - written);
    }

    /** The job that will answer {@code seq}, to be cancelled if the service stops first. */
    void job(long seq, CompletableFuture<?> job) {
        jobs[index(seq)] = job;
    }

    void error(long seq, HttpError error) {
        answer(seq, error.status(), HttpAnswer.JSON, Json.bytes(error.body()), error.headers());
    }

    void answer(long seq, int status, byte[] contentType, byte[] body, Map<String, String> headers) {
        if (finished || seq < written || seq >= next) {
            return; // the connection is closing or closed: nobody reads this answer
        }
        int i = index(seq);
        int f = flags[i];
        jobs[i] = null;
        ready[i] = HttpAnswer.encode(ctx.alloc(), status, contentType, body, headers,
                (f & CLOSE) != 0, (f & HTTP10) != 0, (f & HEAD) != 0);
        if (seq == written) {
            writeReady();
        }
    }

    /** Cancels the jobs still owed; each then answers 503 through its own callback. */
    void cancelJobs() {
        for (long seq = written; seq < next; seq++) {
            CompletableFuture<?> job = jobs[index(seq)];
            if (job != null) {
                job.cancel(false);
            }
        }
    }

    void beginRead() {
        batching = true;
    }

    void endRead() {
        batching = false;
        flushIfNeeded();
    }

    /** The write buffer filled or drained. */
    void writabilityChanged() {
        updateReading();
    }

    /** The channel closed: frees the answers that were waiting for an earlier one. */
    void channelClosed() {
        finished = true;
        for (int i = 0; i < ready.length; i++) {
            if (ready[i] != null) {
                ready[i].release();
                ready[i] = null;
            }
        }
    }

    private void writeReady() {
        while (written < next) {
            int i = index(written);
            ByteBuf answer = ready[i];
            if (answer == null) {
                break;
            }
            ready[i] = null;
            written++;
            if ((flags[i] & CLOSE) != 0) {
                finished = true;
                unflushed = false;
                ctx.writeAndFlush(answer).addListener((ChannelFutureListener) f -> afterClosingAnswer.run());
                channelClosed(); // later answers are never written
                updateReading();
                return;
            }
            ctx.write(answer, ctx.voidPromise());
            unflushed = true;
        }
        if (!batching) {
            flushIfNeeded();
        }
        updateReading();
    }

    private void flushIfNeeded() {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    /** A closing connection keeps reading, to discard what the client still sends (see ReadDeadline). */
    private void updateReading() {
        boolean read = finished || (next - written < MAX_OWED && ctx.channel().isWritable());
        if (read != reading) {
            reading = read;
            ctx.channel().config().setAutoRead(read);
        }
    }

    private int index(long seq) {
        return (int) (seq & (ready.length - 1));
    }

    private void grow() {
        int size = ready.length * 2;
        ByteBuf[] r = new ByteBuf[size];
        CompletableFuture<?>[] j = new CompletableFuture<?>[size];
        byte[] f = new byte[size];
        for (long seq = written; seq < next; seq++) {
            int from = index(seq);
            int to = (int) (seq & (size - 1));
            r[to] = ready[from];
            j[to] = jobs[from];
            f[to] = flags[from];
        }
        ready = r;
        jobs = j;
        flags = f;
    }
}
