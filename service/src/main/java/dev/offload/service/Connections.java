package dev.offload.service;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The open connections: each accepted one gets its pipeline here ({@link ReadDeadline}, the request
 * decoder, an {@link HttpConnection}); one over {@code --max-connections} is answered 503 and
 * closed; the thread that stops the server reaches each through {@link #forEach}. Initialises
 * channels on the event loops.
 */
@ChannelHandler.Sharable
final class Connections extends ChannelInitializer<SocketChannel> {
    private final HttpLimits limits;
    private final HttpDecoderConfig decoder;
    private final Gate open = new Gate();
    private final Set<HttpConnection> all = ConcurrentHashMap.newKeySet();
    /** Set once, before the server channel starts accepting (which publishes it to the loops). */
    private volatile Endpoints endpoints;

    Connections(HttpLimits limits) {
        this.limits = limits;
        this.decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxHeaderBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes());
    }

    void serve(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (!open.enter()) {
            channel.close(); // the server is stopping
            return;
        }
        channel.closeFuture().addListener(f -> open.leave());
        if (open.size() > limits.maxConnections()) {
            HttpError error = HttpError.tooManyConnections(limits.maxConnections());
            channel.writeAndFlush(HttpAnswer.encode(channel.alloc(), error.status(), HttpAnswer.JSON,
                    Json.bytes(error.body()), error.headers(), true, false, false))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ReadDeadline deadline = new ReadDeadline(limits);
        RequestDecoder requests = new RequestDecoder(decoder);
        HttpConnection connection = new HttpConnection(endpoints, deadline, requests, limits);
        channel.pipeline().addLast(deadline, requests, connection);
        all.add(connection);
        channel.closeFuture().addListener(f -> all.remove(connection));
    }

    void forEach(Consumer<HttpConnection> action) {
        all.forEach(action);
    }

    /** Accepts no more connections, asks each to close once answered, and waits up to {@code timeout} for all to close. */
    boolean closeAll(Duration timeout) throws InterruptedException {
        open.close();
        all.forEach(HttpConnection::closeWhenAnswered);
        return open.awaitEmpty(timeout);
    }
}
