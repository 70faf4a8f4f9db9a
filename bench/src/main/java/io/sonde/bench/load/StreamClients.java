package io.sonde.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sonde.bench.BenchException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many viewer streams on Netty, every one on a single event-loop thread: the load generator of the
 * fan-out and resume benches. The same code receives from every server under test, so what differs
 * between their results is the server; one thread keeps the generator's share of the machine's two
 * cores small and predictable.
 *
 * <p>WebSocket ({@link #webSocket}): no extensions, so no compression; ready at the handshake, or,
 * with a subscribe op, at the server's {@code "op":"subscribed"} reply; each later text message one
 * message. SSE ({@link #sse}): one HTTP/1.1 stream each, ready at the server's {@code retry:} hint
 * (written after subscribing), each {@code data:} line one message with the {@code id:} line before
 * it. At most {@value #CONNECTING} handshakes are in flight at once, so 10,000 streams do not
 * overflow the server's accept backlog.
 */
public final class StreamClients implements AutoCloseable {
    private static final int CONNECTING = 64;
    private static final long CONNECT_WAIT_SECONDS = 60;

    /**
     * What one stream reports. Threading: all calls on the event-loop thread, in order; must not
     * block.
     */
    public interface Listener {
        /** The stream is subscribed: what follows is what it asked for. */
        default void ready() {}

        /** One message; {@code id} is the SSE event id, or empty (WebSocket, events without). */
        void message(String id, CharSequence data);

        /** The stream ended (closed by either side, or failed to open); called once. */
        default void ended() {}

        /**
         * Whether the client stops reading once subscribed, as a stalled viewer would: its socket
         * buffers fill and the server's writes to it block.
         */
        default boolean stalls() {
            return false;
        }
    }

    private final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Semaphore connecting = new Semaphore(CONNECTING);
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final Bootstrap bootstrap =
            new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);

    /**
     * Opens a WebSocket to {@code uri}; it sends {@code subscribeOp} after the handshake unless it
     * is empty (then every message the server sends counts). Waits while 64 handshakes are open.
     */
    public void webSocket(URI uri, String subscribeOp, Listener listener) {
        open(uri, new WsStream(uri, subscribeOp, listener));
    }

    /**
     * Opens an SSE stream from {@code uri} with {@code token} as bearer token, resuming after
     * {@code lastEventId} unless it is empty. Waits while 64 handshakes are open.
     */
    public void sse(URI uri, String token, String lastEventId, Listener listener) {
        open(uri, new SseStream(uri, token, lastEventId, listener));
    }

    /** Streams subscribed and not ended. */
    public int ready() {
        return ready.get() - ended.get();
    }

    /** Streams ended since the first opened. */
    public int ended() {
        return ended.get();
    }

    /** Closes every stream opened so far; more may be opened afterwards. */
    public void closeStreams() {
        channels.close().awaitUninterruptibly(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        closeStreams();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private void open(URI uri, Stream stream) {
        awaitConnectSlot();
        bootstrap
                .clone()
                .handler(stream.initializer())
                .connect(uri.getHost(), uri.getPort())
                .addListener(f -> {
                    if (f.isSuccess()) {
                        channels.add(stream.channel());
                    } else {
                        stream.failed();
                    }
                });
    }

    private void awaitConnectSlot() {
        try {
            if (!connecting.tryAcquire(CONNECT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new BenchException("subscribers' handshakes not answered within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while connecting subscribers", e);
        }
    }

    /** One subscriber's connection; counts itself ready or ended exactly once each. */
    private abstract class Stream {
        private final Listener listener;
        private final AtomicBoolean settled = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile Channel channel;
        private boolean subscribed;

        Stream(Listener listener) {
            this.listener = listener;
        }

        abstract void pipeline(SocketChannel ch);

        ChannelInitializer<SocketChannel> initializer() {
            return new ChannelInitializer<>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    channel = ch;
                    ch.closeFuture().addListener(f -> ended());
                    pipeline(ch);
                }
            };
        }

        Channel channel() {
            return channel;
        }

        boolean subscribed() {
            return subscribed;
        }

        /** Event-loop thread: the stream now receives what it subscribed to. */
        void nowReady() {
            subscribed = true;
            ready.incrementAndGet();
            settle();
            listener.ready();
            if (listener.stalls()) {
                channel.config().setAutoRead(false);
            }
        }

        void deliver(String id, CharSequence message) {
            listener.message(id, message);
        }

        void failed() {
            ended();
        }

        private void ended() {
            if (closed.compareAndSet(false, true)) {
                ended.incrementAndGet();
                settle();
                listener.ended();
            }
        }

        private void settle() {
            if (settled.compareAndSet(false, true)) {
                connecting.release();
            }
        }
    }

    /** A WebSocket stream: Netty does the handshake, pings and close frames. */
    private final class WsStream extends Stream {
        private final URI uri;
        private final String subscribeOp;

        WsStream(URI uri, String subscribeOp, Listener listener) {
            super(listener);
            this.uri = uri;
            this.subscribeOp = subscribeOp;
        }

        @Override
        void pipeline(SocketChannel ch) {
            ch.pipeline()
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(8192))
                    .addLast(
                            new WebSocketClientProtocolHandler(
                                    WebSocketClientProtocolConfig.newBuilder()
                                            .webSocketUri(uri)
                                            .handshakeTimeoutMillis(30_000)
                                            // Both servers send valid UTF-8; checking every
                                            // byte only spent the load generator's CPU, which
                                            // set the knee of both sides.
                                            .withUTF8Validator(false)
                                            .build()))
                    .addLast(handler());
        }

        private ChannelHandler handler() {
            return new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt
                            == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                    .HANDSHAKE_COMPLETE) {
                        if (subscribeOp.isEmpty()) {
                            nowReady();
                        } else {
                            ctx.writeAndFlush(new TextWebSocketFrame(subscribeOp));
                        }
                    }
                    ctx.fireUserEventTriggered(evt);
                }

                @Override
                protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                    String text = frame.content().toString(StandardCharsets.ISO_8859_1);
                    if (subscribed()) {
                        deliver("", text);
                    } else if (text.contains("\"op\":\"subscribed\"")) {
                        nowReady();
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                }
            };
        }
    }

    /** An SSE stream: a GET, then the body split into lines. */
    private final class SseStream extends Stream {
        private final URI uri;
        private final String token;
        private final String lastEventId;

        SseStream(URI uri, String token, String lastEventId, Listener listener) {
            super(listener);
            this.uri = uri;
            this.token = token;
            this.lastEventId = lastEventId;
        }

        @Override
        void pipeline(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec()).addLast(handler());
        }

        private ChannelHandler handler() {
            return new SimpleChannelInboundHandler<HttpObject>() {
                private ByteBuf pending;
                private String id = "";

                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    pending = ctx.alloc().buffer(1024);
                    DefaultFullHttpRequest req =
                            new DefaultFullHttpRequest(
                                    HttpVersion.HTTP_1_1,
                                    HttpMethod.GET,
                                    uri.getRawPath() + "?" + uri.getRawQuery());
                    req.headers()
                            .set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort())
                            .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                            .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
                    if (!lastEventId.isEmpty()) {
                        req.headers().set("Last-Event-ID", lastEventId);
                    }
                    ctx.writeAndFlush(req);
                }

                @Override
                protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                    if (msg instanceof HttpResponse res && res.status().code() != 200) {
                        ctx.close();
                        return;
                    }
                    if (msg instanceof HttpContent content) {
                        pending.writeBytes(content.content());
                        lines();
                        if (msg instanceof LastHttpContent) {
                            ctx.close();
                        }
                    }
                }

                private void lines() {
                    int eol;
                    while ((eol =
                                    pending.indexOf(
                                            pending.readerIndex(),
                                            pending.writerIndex(),
                                            (byte) '\n'))
                            >= 0) {
                        CharSequence line =
                                pending.readCharSequence(
                                        eol - pending.readerIndex(), StandardCharsets.ISO_8859_1);
                        pending.skipBytes(1);
                        if (line.isEmpty()) {
                            id = ""; // end of an event: the next one names its own id, or none
                        } else if (line.charAt(0) == 'd' && subscribed()) {
                            deliver(id, line); // "data: {...}"
                        } else if (line.charAt(0) == 'i' && line.toString().startsWith("id: ")) {
                            id = line.subSequence(4, line.length()).toString();
                        } else if (!subscribed() && line.toString().startsWith("retry:")) {
                            nowReady();
                        }
                    }
                    pending.discardSomeReadBytes();
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    pending.release();
                    ctx.fireChannelInactive();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                }
            };
        }
    }
}
