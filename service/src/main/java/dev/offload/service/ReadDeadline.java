package dev.offload.service;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The read timeouts of one connection, on its event loop, first in its pipeline. A request's
 * headers must arrive within {@code --header-timeout} of its first bytes and its body within
 * {@code --body-timeout} of its headers, else the {@link Owner} answers 408; a connection that
 * owes no answer and sends nothing for {@code --idle-timeout} is closed. A closing connection
 * lingers: output shut, what the client still sends discarded, closed at its EOF or after
 * {@link #LINGER_MS}, so that a client still sending reads its answer rather than a reset.
 *
 * <p>One timer per connection, re-armed only when it fires (at the current phase's deadline or
 * after the shortest timeout, whichever is sooner), so a request costs two field writes here and
 * no scheduling. The first bytes of a request are seen here, before the decoder, or, when they came
 * with the end of the previous request, by the decoder ({@link #requestRead}).
 */
final class ReadDeadline extends ChannelInboundHandlerAdapter {
    static final long LINGER_MS = 2_000;

    enum Phase { IDLE, HEADERS, BODY, CLOSING }

    /** The connection whose reads are timed. */
    interface Owner {
        boolean owesAnswers();

        /** The headers or the body did not arrive in time: answer 408 and close. */
        void timedOut(Phase phase);
    }

    private final HttpLimits limits;
    private final long shortestNanos;
    private final Runnable check = this::check;
    private ChannelHandlerContext ctx;
    private Owner owner;
    private Phase phase = Phase.IDLE;
    private long since;
    private ScheduledFuture<?> timer;

    ReadDeadline(HttpLimits limits) {
        this.limits = limits;
        this.shortestNanos = limits.shortestTimeoutNanos();
    }

    void owner(Owner owner) {
        this.owner = owner;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        since = System.nanoTime();
        arm(shortestNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.CLOSING) {
            ReferenceCountUtil.release(msg); // lingering: nothing more is decoded
            return;
        }
        if (phase == Phase.IDLE) {
            phase = Phase.HEADERS;
            since = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    /** The headers of a request were read; its body is next. */
    void headersRead() {
        phase = Phase.BODY;
        since = System.nanoTime();
    }

    /** A whole request was read; {@code nextStarted}: the first bytes of the next one came with it. */
    void requestRead(boolean nextStarted) {
        phase = nextStarted ? Phase.HEADERS : Phase.IDLE;
        since = System.nanoTime();
    }

    /** No more requests are read; the connection closes after its last answer. */
    void stopReading() {
        phase = Phase.CLOSING;
    }

    /** After the closing answer was written: shut output, discard input, close at EOF or after the linger. */
    void lingerThenClose() {
        phase = Phase.CLOSING;
        if (!ctx.channel().isActive()) {
            return;
        }
        ((DuplexChannel) ctx.channel()).shutdownOutput();
        ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_MS, TimeUnit.MILLISECONDS);
    }

    private void check() {
        timer = null;
        if (!ctx.channel().isActive() || phase == Phase.CLOSING) {
            return;
        }
        long now = System.nanoTime();
        long left = since + limitOf(phase) - now;
        if (left <= 0) {
            if (phase != Phase.IDLE) {
                Phase late = phase;
                phase = Phase.CLOSING;
                owner.timedOut(late);
                return;
            }
            if (!owner.owesAnswers()) {
                ctx.close();
                return;
            }
            since = now; // waiting for its answers is not idling; the job's own timeout bounds that wait
            left = limitOf(phase);
        }
        arm(Math.min(left, shortestNanos));
    }

    private long limitOf(Phase p) {
        return switch (p) {
            case HEADERS -> limits.headerTimeout().toNanos();
            case BODY -> limits.bodyTimeout().toNanos();
            default -> limits.idleTimeout().toNanos();
        };
    }

    private void arm(long nanos) {
        timer = ctx.executor().schedule(check, nanos, TimeUnit.NANOSECONDS);
    }
}
