package dev.offload.examples;

import dev.offload.config.PoolConfig;
import dev.offload.examples.handlers.CountPrimes;
import dev.offload.netty.NettyAnswerLoop;
import dev.offload.pool.AnswerLoop;
import dev.offload.pool.JobOptions;
import dev.offload.pool.JobTimeoutException;
import dev.offload.pool.WorkerPool;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A Netty HTTP server that answers {@code GET /primes?below=N} by counting primes in a worker JVM.
 * The handler submits the job with the channel's {@code EventLoop} as the executor, so the job's
 * future completes on that loop and the response is written there, like any other Netty
 * callback. The loop also reads the pool's answers itself ({@code readAnswersOn}): a worker's
 * answer wakes the loop directly, with no pool thread in between. Run {@link #main} and try {@code curl 'http://localhost:8080/primes?below=2000000'}.
 */
public final class NettyExample implements AutoCloseable {
    private final EventLoopGroup loops;
    private final Channel server;
    private final AnswerLoop.Attachment reading;

    public NettyExample(WorkerPool pool, int port) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        loops = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("offload-example-netty"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            reading = pool.readAnswersOn(NettyAnswerLoop.of(loops.next())); // the one loop hears the workers
            server = new ServerBootstrap()
                    .group(loops)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new PrimesHandler(pool));
                        }
                    })
                    .bind(port).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            loops.shutdownGracefully();
            throw e;
        }
    }

    /** Runs on the channel's event loop, and so does every callback it gets from the pool. */
    private static final class PrimesHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final WorkerPool pool;

        PrimesHandler(WorkerPool pool) {
            this.pool = pool;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            if (!query.path().equals("/primes")) {
                respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "try /primes?below=N\n");
                return;
            }
            int below;
            try {
                below = Integer.parseInt(query.parameters().getOrDefault("below", List.of("100000")).get(0));
            } catch (NumberFormatException e) {
                respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "below must be an integer\n");
                return;
            }
            JobOptions onThisLoop = JobOptions.defaults()
                    .withTimeout(Duration.ofSeconds(10))
                    .withExecutor(ctx.channel().eventLoop());
            pool.submit(CountPrimes.class, below, onThisLoop).whenComplete((primes, failure) -> {
                if (failure == null) {
                    respond(ctx, keepAlive, HttpResponseStatus.OK, "{\"below\":" + below + ",\"primes\":" + primes + "}\n");
                } else {
                    respond(ctx, keepAlive, failure instanceof JobTimeoutException
                            ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.INTERNAL_SERVER_ERROR, failure.getMessage() + "\n");
                }
            });
        }

        private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, status == HttpResponseStatus.OK ? "application/json" : "text/plain");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** The port the server listens on (useful when it was given 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        reading.close();
        loops.shutdownGracefully().syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        try (WorkerPool pool = WorkerPool.start(PoolConfig.defaults());
             NettyExample example = new NettyExample(pool, port)) {
            System.out.println("listening: curl 'http://localhost:" + port + "/primes?below=2000000'");
            example.server.closeFuture().sync(); // until the process is stopped
        }
    }
}
