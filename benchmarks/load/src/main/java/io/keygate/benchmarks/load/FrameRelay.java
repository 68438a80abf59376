package io.keygate.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A ruler, not a gateway: the least CPU a Java HTTP/2 proxy on Netty spends a call. Each client
 * stream is relayed, frame by frame (HEADERS, DATA, trailers, RST_STREAM, both ways), to a stream
 * on a backend connection owned by the same event loop, as Keygate's loops own theirs; no gRPC
 * call layer, no routing, no checks, no metrics, no flow control beyond Netty's (a DATA frame's
 * bytes count as consumed once relayed: fine for the benchmark's 256-byte calls, not for a real
 * proxy). run.sh starts it with {@code --relay} as the target {@code netty-relay}: the distance
 * between it and {@code keygate-none} is what grpc-java's call layer and Keygate's own work cost,
 * the distance between it and haproxy what Java and Netty's HTTP/2 codec cost
 * (docs/benchmarks.md, "A frame relay on Netty").
 *
 * <pre>java -cp keygate-load.jar io.keygate.benchmarks.load.FrameRelay PORT BACKEND_PORT LOOPS</pre>
 */
public final class FrameRelay {
  private FrameRelay() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: FrameRelay PORT BACKEND_PORT LOOPS");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    InetSocketAddress backend = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
    int loops = Integer.parseInt(args[2]);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("relay-accept", true), NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
        loops, new DefaultThreadFactory("relay-loop", true), NioIoHandler.newFactory());
    // One backend connection a loop, connected before the listener opens.
    Map<EventLoop, BackendSide> backends = new HashMap<>();
    for (EventExecutor executor : workers) {
      EventLoop loop = (EventLoop) executor;
      backends.put(loop, BackendSide.connect(loop, backend));
    }
    new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            new ClientSide(ch, backends.get(ch.eventLoop()));
          }
        })
        .bind("127.0.0.1", port).sync();
    System.out.println("relay listening on 127.0.0.1:" + port + ", backend " + backend
        + ", " + loops + " loops");
    new CountDownLatch(1).await();
  }

  /**
   * One connection's end of the relay: each of its streams is paired with a stream on a peer
   * connection (a hop), and what arrives on one is written to the other. Flushed once its loop has
   * read what it can.
   */
  private abstract static class Side extends Http2FrameAdapter {
    /** Where a stream's frames go: a stream of another side. */
    record Hop(Side peer, int stream) {}

    final Map<Integer, Hop> hops = new HashMap<>();
    Http2ConnectionHandler handler;
    ChannelHandlerContext ctx;

    void install(Channel ch, boolean server, Runnable readDone) {
      Http2Settings settings = new Http2Settings().maxConcurrentStreams(100);
      handler = new Http2ConnectionHandlerBuilder().server(server).initialSettings(settings)
          .frameListener(this).build();
      ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelReadComplete(ChannelHandlerContext c) {
          readDone.run();
          c.fireChannelReadComplete();
        }
      });
      ctx = ch.pipeline().context(handler);
    }

    /** The hop of a stream this side has not seen yet; null when such a stream is not relayed. */
    abstract Hop open(int stream);

    /** {@code peer} was written to: flush it once this side's loop has read what it can. */
    abstract void wrote(Side peer);

    @Override
    public void onHeadersRead(ChannelHandlerContext c, int stream, Http2Headers headers,
        int padding, boolean end) {
      Hop hop = end ? hops.remove(stream) : hops.get(stream);
      if (hop == null) {
        hop = open(stream);
        if (hop == null) {
          return;
        }
        if (!end) {
          hops.put(stream, hop);
        }
      }
      hop.peer().handler.encoder().writeHeaders(
          hop.peer().ctx, hop.stream(), headers, 0, end, hop.peer().ctx.voidPromise());
      wrote(hop.peer());
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext c, int stream, Http2Headers headers,
        int dependency, short weight, boolean exclusive, int padding, boolean end) {
      onHeadersRead(c, stream, headers, padding, end);
    }

    @Override
    public int onDataRead(ChannelHandlerContext c, int stream, ByteBuf data, int padding,
        boolean end) {
      Hop hop = end ? hops.remove(stream) : hops.get(stream);
      if (hop != null) {
        hop.peer().handler.encoder().writeData(
            hop.peer().ctx, hop.stream(), data.retain(), 0, end, hop.peer().ctx.voidPromise());
        wrote(hop.peer());
      }
      return data.readableBytes() + padding;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext c, int stream, long error) {
      Hop hop = hops.remove(stream);
      if (hop != null) {
        reset(hop, error);
      }
    }

    void reset(Hop hop, long error) {
      hop.peer().handler.encoder().writeRstStream(
          hop.peer().ctx, hop.stream(), error, hop.peer().ctx.voidPromise());
      wrote(hop.peer());
    }

    /** Through the handler: its flush writes the DATA frames the flow controller holds. */
    void flush() {
      handler.flush(ctx);
    }
  }

  /** A client's connection: each of its streams opens a stream on the loop's backend. */
  private static final class ClientSide extends Side {
    private final BackendSide backend;

    ClientSide(Channel ch, BackendSide backend) {
      this.backend = backend;
      install(ch, true, backend::flushIfWritten);
    }

    @Override
    Hop open(int stream) {
      int to = backend.handler.connection().local().incrementAndGetNextStreamId();
      backend.hops.put(to, new Hop(this, stream));
      return new Hop(backend, to);
    }

    @Override
    void wrote(Side peer) {
      backend.written = true;
    }
  }

  /** One loop's connection to the backend, shared by the loop's clients. */
  private static final class BackendSide extends Side {
    private final Set<Side> clientsWritten = new LinkedHashSet<>();
    /** Frames were written to the backend since its last flush. */
    boolean written;

    static BackendSide connect(EventLoop loop, InetSocketAddress backend)
        throws InterruptedException {
      BackendSide side = new BackendSide();
      new Bootstrap().group(loop).channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              side.install(ch, false, side::flushClients);
            }
          })
          .connect(backend).sync();
      return side;
    }

    /** The backend opens no streams. */
    @Override
    Hop open(int stream) {
      return null;
    }

    @Override
    void wrote(Side peer) {
      clientsWritten.add(peer);
    }

    void flushIfWritten() {
      if (written) {
        written = false;
        flush();
      }
    }

    private void flushClients() {
      for (Side client : clientsWritten) {
        client.flush();
      }
      clientsWritten.clear();
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext c, int lastStream, long error, ByteBuf debug) {
      for (Hop hop : hops.values()) {
        reset(hop, Http2Error.REFUSED_STREAM.code());
      }
      hops.clear();
      flushClients();
    }
  }
}
