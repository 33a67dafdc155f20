package dev.offload.service;

import dev.offload.pool.JobOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP/1.1 connection, on its event loop, after the request decoder: reads requests (keep-alive,
 * pipelining), reads bodies as they arrive without ever waiting for one, submits jobs and answers
 * through its {@link AnswerQueue} in request order. A job's outcome comes back on this same loop
 * ({@link JobOptions#withExecutor}), so no field here is shared with another thread.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements ReadDeadline.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
    private static final long NONE = -1;

    private final Endpoints endpoints;
    private final ReadDeadline deadline;
    private final RequestDecoder decoder;
    private final HttpLimits limits;
    private ChannelHandlerContext ctx;
    private AnswerQueue answers;
    private JobOptions options;

    // The request being read: its answer's sequence number, its job route (null: its body is
    // discarded) and the body so far when it comes in several pieces.
    private long seq = NONE;
    private Routes.Route job;
    /** The job asked for {@code Prefer: respond-async}; its Idempotency-Key, if any (see {@link AsyncEndpoints}). */
    private boolean async;
    private String idempotencyKey;
    private ByteBuf body;
    /** No request after the current one is read: the connection closes after its answers. */
    private boolean stopped;

    HttpConnection(Endpoints endpoints, ReadDeadline deadline, RequestDecoder decoder, HttpLimits limits) {
        this.endpoints = endpoints;
        this.deadline = deadline;
        this.decoder = decoder;
        this.limits = limits;
        deadline.owner(this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.answers = new AnswerQueue(ctx, deadline::lingerThenClose);
        this.options = JobOptions.defaults().withExecutor(ctx.channel().eventLoop());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        answers.beginRead();
        try {
            if (msg instanceof HttpRequest request) {
                request(request);
            }
            if (msg instanceof HttpContent content && seq != NONE) {
                content(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        answers.endRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        answers.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        answers.channelClosed();
        dropBody();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {} failed; closing it: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public boolean owesAnswers() {
        return answers.owed() > 0;
    }

    @Override
    public void timedOut(ReadDeadline.Phase phase) {
        if (stopped) {
            if (answers.owed() == 0) {
                ctx.close();
            }
            return;
        }
        String message = phase == ReadDeadline.Phase.HEADERS
                ? "the request headers did not arrive within " + DurationOption.format(limits.headerTimeout()) + " (--header-timeout)"
                : "the request body did not arrive within " + DurationOption.format(limits.bodyTimeout()) + " (--body-timeout)";
        refuse(HttpError.requestTimeout(message));
    }

    /** On this connection's loop: cancels the jobs whose answers are still owed (the service is stopping). */
    void cancelJobs() {
        ctx.executor().execute(answers::cancelJobs);
    }

    /** On this connection's loop: reads no more requests, and closes once the answers owed are written. */
    void closeWhenAnswered() {
        ctx.executor().execute(() -> {
            stopped = true;
            deadline.stopReading();
            if (answers.owed() == 0) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                answers.closeAfterLast();
            }
        });
    }

    private void request(HttpRequest request) {
        if (stopped) {
            return;
        }
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            refuse(malformed(result.cause()));
            return;
        }
        deadline.headersRead();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        int flags = (keepAlive ? 0 : AnswerQueue.CLOSE)
                | (keepAlive && request.protocolVersion() == HttpVersion.HTTP_1_0 ? AnswerQueue.HTTP10 : 0)
                | (request.method() == HttpMethod.HEAD ? AnswerQueue.HEAD : 0);
        seq = answers.reserve(flags);
        stopped = !keepAlive;
        Routes.Route route = endpoints.routes().resolve(request.method(), request.uri());
        long s = seq;
        AsyncEndpoints.Reply reply = (status, json, headers) -> answers.answer(s, status, HttpAnswer.JSON, json, headers);
        switch (route.kind()) {
            case JOB -> startJob(request, route);
            case JOB_STATUS -> endpoints.async().status(route.jobId(), reply);
            case JOB_CANCEL -> endpoints.async().cancel(route.jobId(), ctx.executor(), reply);
            case DEAD_LETTERS -> endpoints.async().deadLetters(ctx.executor(), reply);
            case HEALTH, STATS -> endpoints.readStats(route.kind() == Routes.Kind.HEALTH, ctx.executor(),
                    (status, json) -> answers.answer(s, status, HttpAnswer.JSON, json, Map.of()));
            case METRICS -> endpoints.scrapeMetrics(ctx.executor(),
                    (status, text) -> answers.answer(s, status, HttpAnswer.PROMETHEUS, text, Map.of()));
            case ERROR -> answers.error(seq, route.error());
        }
    }

    private void startJob(HttpRequest request, Routes.Route route) {
        job = route;
        async = AsyncEndpoints.prefersAsync(request.headers());
        idempotencyKey = request.headers().get(AsyncEndpoints.IDEMPOTENCY_KEY);
        if (HttpUtil.getContentLength(request, -1L) > endpoints.maxBodyBytes()) {
            refuse(HttpError.tooLarge(endpoints.maxBodyBytes(), "the request body")); // refused unread
            return;
        }
        if (HttpUtil.is100ContinueExpected(request) && answers.isNext(seq)) {
            ctx.writeAndFlush(HttpAnswer.CONTINUE.duplicate());
        }
    }

    private void content(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            refuse(malformed(content.decoderResult().cause()));
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (job != null) {
            ByteBuf data = content.content();
            long size = (body == null ? 0 : body.readableBytes()) + (long) data.readableBytes();
            if (size > endpoints.maxBodyBytes()) {
                refuse(HttpError.tooLarge(endpoints.maxBodyBytes(), "the request body"));
                return;
            }
            if (last && body == null) {
                submit(ByteBufUtil.getBytes(data)); // the usual case: the whole body in one piece
            } else {
                if (body == null) {
                    body = ctx.alloc().heapBuffer(Math.max(256, data.readableBytes() * 2));
                }
                body.writeBytes(data);
                if (last) {
                    byte[] bytes = ByteBufUtil.getBytes(body);
                    dropBody();
                    submit(bytes);
                }
            }
        }
        if (last) {
            deadline.requestRead(decoder.holdsNextRequest());
            job = null;
            async = false;
            idempotencyKey = null;
            seq = NONE;
        }
    }

    private void submit(byte[] bytes) {
        long s = seq;
        Routes.Route route = job;
        HttpError missing = BadInput.checkPresent(route.handler(), bytes);
        if (missing != null) {
            answers.error(s, missing);
            return;
        }
        if (async || idempotencyKey != null) {
            endpoints.async().accept(route.handler(), bytes, async, idempotencyKey, ctx.executor(),
                    (status, json, headers) -> answers.answer(s, status, HttpAnswer.JSON, json, headers));
            return;
        }
        CompletableFuture<byte[]> future = endpoints.submit(route, bytes, options);
        if (future == null) {
            answers.error(s, HttpError.stopping());
            return;
        }
        answers.job(s, future);
        future.whenComplete((result, failure) -> jobDone(s, route, result, failure));
    }

    private void jobDone(long s, Routes.Route route, byte[] result, Throwable failure) {
        try {
            if (!ctx.executor().inEventLoop()) {
                return; // the loop refused the completion: it is shutting down, and this connection with it
            }
            if (failure == null) {
                answers.answer(s, 200, route.resultType(), result, Map.of());
            } else {
                answers.error(s, endpoints.failure(route, failure));
            }
        } finally {
            endpoints.jobDone();
        }
    }

    /**
     * Reads no more and closes after {@code error}, the answer to the request being read: a job
     * waiting for its body, or a request whose headers never ended. Any other request (a GET with a
     * body, say) has its answer already, which is the last before the close.
     */
    private void refuse(HttpError error) {
        if (seq == NONE || job != null) {
            long s = seq != NONE ? seq : answers.reserve(AnswerQueue.CLOSE);
            answers.closeAfter(s);
            answers.error(s, error);
        } else if (answers.owed() > 0) {
            answers.closeAfterLast();
        } else {
            deadline.lingerThenClose();
        }
        dropBody();
        job = null;
        async = false;
        idempotencyKey = null;
        seq = NONE;
        stopped = true;
        deadline.stopReading();
    }

    private HttpError malformed(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpError.malformed(431, "the request headers are over " + limits.maxHeaderBytes()
                    + " bytes (--max-header-bytes)");
        }
        if (cause instanceof TooLongHttpLineException) {
            return HttpError.malformed(414, "the request line is over " + limits.maxHeaderBytes()
                    + " bytes (--max-header-bytes)");
        }
        return HttpError.malformed(400, "malformed request: " + cause.getMessage());
    }

    private void dropBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
