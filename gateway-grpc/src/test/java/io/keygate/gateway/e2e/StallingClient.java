package io.keygate.gateway.e2e;

import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection to the gateway driven frame by frame, which a gRPC client cannot do: a
 * stream sends its headers and only part of its first message (the 5-byte gRPC prefix announces
 * the whole length), then stalls. The gateway buffers what arrived while it waits for the rest.
 */
final class StallingClient implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel connection;
  private final int port;

  /** A stream that stalls; {@code ended} completes when the gateway ends it. */
  record Stalled(Http2StreamChannel stream, CompletableFuture<RawCalls.Ended> ended) {
    void cancel() {
      stream.close(); // RST_STREAM CANCEL
    }
  }

  StallingClient(int port, X509Certificate trusted) throws Exception {
    this.port = port;
    SslContext tls = GrpcSslContexts.forClient().trustManager(trusted).build();
    connection = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(
                tls.newHandler(ch.alloc(), "localhost", port),
                Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        })
        .connect("localhost", port)
        .sync()
        .channel();
  }

  /**
   * Opens a stream on {@code path} with these headers (the X-Ca ones), announces a first message
   * of {@code announced} bytes and sends only its first {@code sent}.
   */
  Stalled stall(String path, Map<String, String> signatureHeaders, int announced, int sent)
      throws Exception {
    CompletableFuture<RawCalls.Ended> ended = new CompletableFuture<>();
    Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
        .handler(new Outcome(ended))
        .open()
        .sync()
        .getNow();
    stream.closeFuture().addListener(f -> ended.complete(
        new RawCalls.Ended(Status.Code.UNAVAILABLE, "stream closed without a status")));
    Http2Headers headers = new DefaultHttp2Headers()
        .method("POST")
        .scheme("https")
        .path(path)
        .authority("localhost:" + port)
        .add("content-type", "application/grpc")
        .add("te", "trailers");
    signatureHeaders.forEach(headers::add);
    stream.write(new DefaultHttp2HeadersFrame(headers, false));
    ByteBuf part = Unpooled.buffer(5 + sent);
    part.writeByte(0).writeInt(announced).writeZero(sent);
    stream.writeAndFlush(new DefaultHttp2DataFrame(part, false)).sync();
    return new Stalled(stream, ended);
  }

  @Override
  public void close() {
    connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** How the gateway ended a stream: its grpc-status and x-ca-error-code, or a reset. */
  private static final class Outcome extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<RawCalls.Ended> ended;

    Outcome(CompletableFuture<RawCalls.Ended> ended) {
      this.ended = ended;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame frame && frame.isEndStream()) {
          CharSequence status = frame.headers().get("grpc-status");
          CharSequence code = frame.headers().get("x-ca-error-code");
          ended.complete(new RawCalls.Ended(
              status == null
                  ? Status.Code.UNKNOWN
                  : Status.fromCodeValue(Integer.parseInt(status.toString())).getCode(),
              code == null ? null : code.toString()));
        } else if (msg instanceof Http2ResetFrame reset) {
          ended.complete(new RawCalls.Ended(Status.Code.UNAVAILABLE, "RST_STREAM " + reset.errorCode()));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
