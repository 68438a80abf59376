package io.keygate.gateway.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/** Settings for {@link BackendChannels}, with their defaults; every value is checked when set. */
public final class BackendChannelsBuilder {
  /**
   * Two APIs' worth at the data plane's default per-API limit (1024): several APIs may share a
   * backend, and it binds only when calls pile up on it (it is slow or hangs).
   */
  public static final int DEFAULT_MAX_CALLS_PER_BACKEND = 2048;

  int maxTargets = 256;
  int maxCallsPerBackend = DEFAULT_MAX_CALLS_PER_BACKEND;
  String healthCheckService = "";
  BackendInstances instances = BackendInstances.listed();
  Duration resolutionLogInterval = BackendResolutions.DEFAULT_LOG_INTERVAL;
  int maxInboundMessageBytes = 4 << 20;
  int maxInboundMetadataBytes = 8 << 10;
  Duration connectTimeout = Duration.ofSeconds(5);
  Duration idleTimeout = Duration.ofMinutes(5);
  Duration shutdownGrace = Duration.ofSeconds(5);
  BackendCredentials credentials = BackendCredentials.plaintext();
  Executor executor;
  boolean directCallbacks;
  TransportLoops loops;
  Clock clock = Clock.systemUTC();

  BackendChannelsBuilder() {}

  /** How many backends may have a channel at once (default 256). */
  public BackendChannelsBuilder maxTargets(int n) {
    this.maxTargets = positive(n, "maxTargets");
    return this;
  }

  /**
   * How many calls one backend (all its instances together) may carry from this node at once
   * (default {@value #DEFAULT_MAX_CALLS_PER_BACKEND}); past it a call is refused at once with
   * {@link BackendBusyException}, so a backend that hangs cannot hold every call of the node.
   */
  public BackendChannelsBuilder maxCallsPerBackend(int n) {
    this.maxCallsPerBackend = positive(n, "maxCallsPerBackend");
    return this;
  }

  /**
   * The service name each instance's {@code grpc.health.v1.Health/Watch} is asked about (default
   * {@code ""}, the whole server). An instance that reports NOT_SERVING gets no calls until it
   * reports SERVING; one that does not implement the health service is taken as serving.
   */
  public BackendChannelsBuilder healthCheckService(String name) {
    this.healthCheckService = Objects.requireNonNull(name, "healthCheckService");
    return this;
  }

  /**
   * Where the instances of {@code list:///} targets come from (default {@link
   * BackendInstances#listed()}, the addresses written in the target): the seam for a registry.
   */
  public BackendChannelsBuilder instances(BackendInstances source) {
    this.instances = Objects.requireNonNull(source, "instances");
    return this;
  }

  /** At most one log line per failing backend per interval while it goes on (default 1 min). */
  public BackendChannelsBuilder resolutionLogInterval(Duration d) {
    this.resolutionLogInterval = positive(d, "resolutionLogInterval");
    return this;
  }

  /** The largest response message accepted from a backend (default 4 MiB, as grpc's). */
  public BackendChannelsBuilder maxInboundMessageBytes(int n) {
    this.maxInboundMessageBytes = positive(n, "maxInboundMessageBytes");
    return this;
  }

  /** The largest response headers or trailers accepted from a backend (default 8 KiB). */
  public BackendChannelsBuilder maxInboundMetadataBytes(int n) {
    this.maxInboundMetadataBytes = positive(n, "maxInboundMetadataBytes");
    return this;
  }

  /** How long a TCP connect to a backend may take (default 5 s). */
  public BackendChannelsBuilder connectTimeout(Duration d) {
    this.connectTimeout = positive(d, "connectTimeout");
    return this;
  }

  /**
   * Unused this long, a channel drops its connection (grpc's idle mode) and may be reaped by
   * {@link BackendChannels#reapIdle()} (default 5 min).
   */
  public BackendChannelsBuilder idleTimeout(Duration d) {
    this.idleTimeout = positive(d, "idleTimeout");
    return this;
  }

  /** How long {@link BackendChannels#close()} lets running calls finish (default 5 s). */
  public BackendChannelsBuilder shutdownGrace(Duration d) {
    this.shutdownGrace = Objects.requireNonNull(d, "shutdownGrace");
    return this;
  }

  /** Transport security per backend (default plaintext). */
  public BackendChannelsBuilder credentials(BackendCredentials c) {
    this.credentials = Objects.requireNonNull(c, "credentials");
    return this;
  }

  /**
   * Where backend-call callbacks run (default grpc's shared cached pool). The proxy's callbacks
   * never block, so a direct executor is safe and saves a thread hop per message.
   */
  public BackendChannelsBuilder executor(Executor e) {
    this.executor = Objects.requireNonNull(e, "executor");
    this.directCallbacks = false;
    return this;
  }

  /**
   * Backend-call callbacks run on the transport thread that delivers them, with no queue between
   * (grpc's own direct executor). An executor that merely runs a task where it is handed over,
   * such as {@code Runnable::run}, still puts a serialising queue in front of every callback and
   * a thread-safe deframer in each stream: grpc recognises only its own direct executor. Safe
   * because the proxy's callbacks never block.
   */
  public BackendChannelsBuilder directCallbacks() {
    this.executor = null;
    this.directCallbacks = true;
    return this;
  }

  /**
   * The node's event loops: each backend then has one channel per loop, with its connections on
   * that loop, so a call's two legs share a thread (default: none, one channel per backend on
   * grpc's shared group). The loops are the caller's to close, after these channels.
   */
  public BackendChannelsBuilder loops(TransportLoops l) {
    this.loops = Objects.requireNonNull(l, "loops");
    return this;
  }

  /** Time for idle tracking (tests pass a clock they control). */
  public BackendChannelsBuilder clock(Clock c) {
    this.clock = Objects.requireNonNull(c, "clock");
    return this;
  }

  public BackendChannels build() {
    return new BackendChannels(this);
  }

  private static int positive(int n, String what) {
    if (n <= 0) {
      throw new IllegalArgumentException(what + " must be positive: " + n);
    }
    return n;
  }

  private static Duration positive(Duration d, String what) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }
}
