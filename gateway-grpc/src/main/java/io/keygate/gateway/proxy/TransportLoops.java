package io.keygate.gateway.proxy;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The data plane's event loops, owned by the node: the listener serves client connections on
 * them, and {@link BackendChannels} keeps one backend connection per loop, so a call's backend
 * leg runs on the same thread as its client leg (Envoy's model: a worker owns both sides of
 * every call it serves). Without it, grpc's shared default group (two loops a core) put a
 * client's connection and the backend's on different threads, and each message crossed between
 * them: a task queued, and on a quiet loop a thread woken.
 *
 * <p>Sized to the cores by default: the loops never block (the HSM check has a lane of its own),
 * so more threads than cores only take turns.
 */
public final class TransportLoops implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final EventLoop[] loops;

  private TransportLoops(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("event loops must be positive: " + count);
    }
    this.boss = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("keygate-accept", true), NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(
        count, new DefaultThreadFactory("keygate-loop", true), NioIoHandler.newFactory());
    List<EventLoop> found = new ArrayList<>(count);
    for (EventExecutor executor : workers) {
      found.add((EventLoop) executor);
    }
    this.loops = found.toArray(EventLoop[]::new);
  }

  /** {@code count} loops, plus one thread that accepts connections. */
  public static TransportLoops start(int count) {
    return new TransportLoops(count);
  }

  /** One loop a core: what a node runs unless told otherwise. */
  public static int defaultCount() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** How many loops serve connections. */
  public int size() {
    return loops.length;
  }

  /** The loop with this index (0 to {@link #size()} - 1). */
  public EventLoop loop(int index) {
    return loops[index];
  }

  /**
   * The index of the loop the calling thread runs, or -1 when it is none of them (the HSM lane, a
   * timer, a test's thread). A few reference comparisons: cheap enough for every call.
   */
  public int current() {
    for (int i = 0; i < loops.length; i++) {
      if (loops[i].inEventLoop()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Runs {@code task} on the loop with this index: what a call left to another thread (its HSM
   * check) comes back to the loop that serves its client as one task, so its backend leg starts
   * there instead of crossing threads command by command. Runs it on the calling thread when the
   * index is -1, or when the loop takes no more tasks (the node is stopping): the task always runs.
   */
  public void execute(int index, Runnable task) {
    if (index < 0) {
      task.run();
      return;
    }
    try {
      loops[index].execute(task);
    } catch (RejectedExecutionException stopping) {
      task.run();
    }
  }

  /** Accepts the listener's connections (one thread). */
  public EventLoopGroup boss() {
    return boss;
  }

  /** Serves the listener's connections. */
  public EventLoopGroup workers() {
    return workers;
  }

  /** The listening socket's type, matching these loops. */
  public Class<? extends ServerSocketChannel> serverChannelType() {
    return NioServerSocketChannel.class;
  }

  /** A connection's socket type, matching these loops. */
  public Class<? extends SocketChannel> channelType() {
    return NioSocketChannel.class;
  }

  /**
   * Stops the loops. Close the listener and the backend channels first: a connection still open
   * on a loop is cut.
   */
  @Override
  public void close() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    try {
      boss.terminationFuture().await(5, TimeUnit.SECONDS);
      workers.terminationFuture().await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "TransportLoops[" + loops.length + " loops]";
  }
}
