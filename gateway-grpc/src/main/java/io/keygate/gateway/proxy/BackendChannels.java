package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.BackendTls;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ManagedChannel} per backend (one per event loop with {@link TransportLoops}), opened on
 * first use and shared by every call to that backend (a channel multiplexes calls over one HTTP/2
 * connection per instance). Bounded: at most
 * {@code maxTargets} backends, so a misconfiguration cannot open connections without end, and at
 * most {@code maxCallsPerBackend} calls on each, so one that hangs cannot hold every call.
 * Thread-safe.
 *
 * <p>A backend may be several instances (a DNS name with several addresses, or a {@code list:///}
 * target): calls are balanced {@code round_robin} over the instances that are connected and, by
 * gRPC health checking, serving. Each channel has its own name resolver ({@link
 * BackendResolverProvider}); failing resolutions are counted in {@link #resolutions()}.
 *
 * <p>Each channel is built under its backend's transport policy ({@link BackendCredentials}:
 * plaintext, TLS or mutual TLS with the gateway's HSM client key). Every acquire compares the
 * policy now in force with the channel's; when it changed, new calls get a new channel and the
 * old one shuts down in order (calls on it finish), so a withdrawn trust anchor is never used for
 * a new call.
 *
 * <p>With {@link TransportLoops} (a node's), a backend has one channel per loop, each with its
 * connections on that loop, and {@link #acquire(BackendTarget, int)} leases the channel of the
 * loop it is given: a call's backend leg then runs on the thread that serves its client, and no
 * message crosses threads. The limits below count per backend, whichever loops its calls use.
 *
 * <p>Calls hold a {@link Lease} while they run. {@link #reapIdle()} closes channels that have no
 * call and were unused for {@code idleTimeout}; the caller schedules it (nothing here owns a
 * thread). Independently, grpc drops an idle channel's connection after {@code idleTimeout}.
 */
public final class BackendChannels implements AutoCloseable {
  private final int maxTargets;
  private final int maxCallsPerBackend;
  private final Map<String, ?> serviceConfig;
  private final BackendInstances instances;
  private final BackendResolutions resolutions;
  private final NameResolver.Factory dns;
  private final int maxInboundMessageBytes;
  private final int maxInboundMetadataBytes;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final Duration shutdownGrace;
  private final BackendCredentials credentials;
  private final Executor executor; // null: grpc's default, or direct
  private final boolean directCallbacks;
  private final TransportLoops loops; // null: grpc's default group, one channel per backend
  /** Spreads calls that come from no loop over the loops. */
  private final AtomicInteger spread = new AtomicInteger();
  private final Clock clock;
  private final ConcurrentHashMap<BackendTarget, BackendChannelSet> entries =
      new ConcurrentHashMap<>();
  private final Object openLock = new Object();
  private boolean closed; // guarded by openLock

  BackendChannels(BackendChannelsBuilder b) {
    this.maxTargets = b.maxTargets;
    this.maxCallsPerBackend = b.maxCallsPerBackend;
    this.serviceConfig = serviceConfig(b.healthCheckService);
    this.instances = b.instances;
    this.resolutions = new BackendResolutions(b.clock, b.resolutionLogInterval);
    // Read from grpc's registry, never changed in it: each channel gets a registry of its own.
    this.dns = NameResolverRegistry.getDefaultRegistry().getProviderForScheme("dns");
    this.maxInboundMessageBytes = b.maxInboundMessageBytes;
    this.maxInboundMetadataBytes = b.maxInboundMetadataBytes;
    this.connectTimeout = b.connectTimeout;
    this.idleTimeout = b.idleTimeout;
    this.shutdownGrace = b.shutdownGrace;
    this.credentials = b.credentials;
    this.executor = b.executor;
    this.directCallbacks = b.directCallbacks;
    this.loops = b.loops;
    this.clock = b.clock;
  }

  public static BackendChannelsBuilder builder() {
    return new BackendChannelsBuilder();
  }

  /**
   * Every channel's service config (the backend's DNS cannot change it: look-up is disabled).
   * round_robin over all instances, each checked with grpc.health.v1 (grpc-services' health
   * checking wrapper of round_robin, loaded by grpc's load-balancer registry).
   */
  private static Map<String, ?> serviceConfig(String healthCheckService) {
    return Map.of(
        "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
        "healthCheckConfig", Map.of("serviceName", healthCheckService));
  }

  /**
   * The channel to {@code target} for the loop the calling thread runs (see {@link
   * #acquire(BackendTarget, int)}).
   *
   * @throws TooManyBackendsException if opening it would exceed {@code maxTargets}
   * @throws BackendBusyException if the backend already carries {@code maxCallsPerBackend} calls
   * @throws BackendTlsException if the backend's TLS policy cannot be turned into credentials
   * @throws IllegalStateException after {@link #close()}
   */
  public Lease acquire(BackendTarget target) throws BackendTlsException {
    return acquire(target, loops == null ? -1 : loops.current());
  }

  /**
   * The channel to {@code target}, opened if needed, held until the lease is closed.
   *
   * @param loop the index of the {@link TransportLoops} loop that serves the call's client; the
   *     lease's channel has its connections on that loop. -1 (or no loops): any, spread
   *     round-robin when there are loops
   *
   * @throws TooManyBackendsException if opening it would exceed {@code maxTargets}
   * @throws BackendBusyException if the backend already carries {@code maxCallsPerBackend} calls
   * @throws BackendTlsException if the backend's TLS policy cannot be turned into credentials
   * @throws IllegalStateException after {@link #close()}
   */
  public Lease acquire(BackendTarget target, int loop) throws BackendTlsException {
    Optional<BackendTls> policy = credentials.policyFor(target);
    while (true) {
      BackendChannelSet entry = entries.get(target);
      if (entry != null && !entry.builtFor(policy)) {
        retire(target, entry);
        entry = null;
      }
      if (entry == null) {
        entry = open(target, policy);
      }
      int held = entry.tryAcquire(maxCallsPerBackend);
      if (held > 0) {
        ManagedChannel channel = entry.channel(slot(loop, entry));
        BackendChannelSet.leaveIdle(channel);
        return new Lease(entry, channel, clock);
      }
      if (held == 0) {
        throw new BackendBusyException(maxCallsPerBackend, target);
      }
      // The reaper retired this channel between lookup and acquire: look up again.
    }
  }

  private int slot(int loop, BackendChannelSet entry) {
    int n = entry.channels.length;
    if (n == 1) {
      return 0;
    }
    if (loop >= 0 && loop < n) {
      return loop;
    }
    return Math.floorMod(spread.getAndIncrement(), n);
  }

  /**
   * Runs {@code task} on the loop with this index ({@link TransportLoops#execute}); on the calling
   * thread without loops.
   */
  public void onLoop(int loop, Runnable task) {
    if (loops == null) {
      task.run();
    } else {
      loops.execute(loop, task);
    }
  }

  /** The index of the loop the calling thread runs; -1 if none, or without loops. */
  public int currentLoop() {
    return loops == null ? -1 : loops.current();
  }

  /** The number of backends with an open channel. */
  public int size() {
    return entries.size();
  }

  /** Which backends' name resolution is failing now (log and metric). */
  public BackendResolutions resolutions() {
    return resolutions;
  }

  /** Calls {@code target} carries now (0 if it has no channel). */
  public int calls(BackendTarget target) {
    BackendChannelSet entry = entries.get(target);
    return entry == null ? 0 : Math.max(0, entry.calls.get());
  }

  /** The backends with an open channel. */
  public Set<BackendTarget> targets() {
    return Set.copyOf(entries.keySet());
  }

  /**
   * Closes the channels that carry no call and were last used {@code idleTimeout} ago or longer.
   *
   * @return how many were closed
   */
  public int reapIdle() {
    long now = clock.millis();
    long idleMillis = idleTimeout.toMillis();
    int reaped = 0;
    for (Map.Entry<BackendTarget, BackendChannelSet> e : entries.entrySet()) {
      BackendChannelSet entry = e.getValue();
      if (entry.retireIfIdle(now, idleMillis)) {
        entries.remove(e.getKey(), entry);
        entry.shutdown();
        resolutions.forget(e.getKey());
        reaped++;
      }
    }
    return reaped;
  }

  /**
   * Refuses new leases, lets running calls finish for up to {@code shutdownGrace}, then cuts
   * what is left. Stop the server first, so no new calls arrive.
   */
  @Override
  public void close() {
    List<ManagedChannel> channels = new ArrayList<>();
    synchronized (openLock) {
      closed = true;
      for (BackendChannelSet entry : entries.values()) {
        channels.addAll(List.of(entry.channels));
      }
      entries.clear();
    }
    channels.forEach(ManagedChannel::shutdown);
    long deadline = System.nanoTime() + shutdownGrace.toNanos();
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  /**
   * The target's policy changed: new calls get a new channel at once; calls on this one finish
   * (grpc's orderly shutdown), and no new lease is granted on it.
   */
  private void retire(BackendTarget target, BackendChannelSet entry) {
    entry.retired = true;
    if (entries.remove(target, entry)) {
      entry.shutdown();
    }
  }

  private BackendChannelSet open(BackendTarget target, Optional<BackendTls> policy)
      throws BackendTlsException {
    // Creation is serialised so the bound holds; building a channel does not connect, so the
    // lock is held only briefly.
    synchronized (openLock) {
      if (closed) {
        throw new IllegalStateException("backend channels are closed");
      }
      BackendChannelSet entry = entries.get(target);
      if (entry != null && entry.builtFor(policy)) {
        return entry;
      }
      if (entry != null) {
        retire(target, entry);
      }
      if (entries.size() >= maxTargets) {
        throw new TooManyBackendsException(maxTargets, target);
      }
      ManagedChannel[] channels = new ManagedChannel[loops == null ? 1 : loops.size()];
      try {
        for (int i = 0; i < channels.length; i++) {
          channels[i] = build(target, policy, i);
        }
      } catch (RuntimeException e) { // BackendTlsException too
        for (ManagedChannel built : channels) {
          if (built != null) {
            built.shutdownNow();
          }
        }
        throw e;
      }
      entry = new BackendChannelSet(channels, policy, clock.millis());
      entries.put(target, entry);
      return entry;
    }
  }

  private ManagedChannel build(BackendTarget target, Optional<BackendTls> policy, int loop)
      throws BackendTlsException {
    // The DNS form dials through grpc's DNS resolver, named explicitly so that a host name is
    // never read as a target scheme; a list through ours. The resolver is this channel's alone.
    @SuppressWarnings("deprecation") // the one public way to give a Netty channel its resolver
    NettyChannelBuilder builder =
        NettyChannelBuilder.forTarget(target.grpcTarget(), credentials.credentials(policy))
            .nameResolverFactory(new BackendResolverProvider(target, dns, instances, resolutions))
            .defaultServiceConfig(serviceConfig)
            .disableServiceConfigLookUp()
            .maxInboundMessageSize(maxInboundMessageBytes)
            .maxInboundMetadataSize(maxInboundMetadataBytes)
            .idleTimeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .userAgent("keygate-gateway")
            // Without this a black-holed backend holds calls that have no deadline for the OS
            // default (minutes); with it they fail with UNAVAILABLE.
            .withOption(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    if (directCallbacks) {
      builder.directExecutor();
    } else if (executor != null) {
      builder.executor(executor);
    }
    if (loops != null) {
      // A single loop is a group of one: every connection of this channel lives on it.
      builder.eventLoopGroup(loops.loop(loop)).channelType(loops.channelType());
    }
    policy.filter(p -> p.mode() != BackendTls.Mode.PLAINTEXT).ifPresent(p ->
        // TLS checks the backend's certificate against the authority, and sends it as the server
        // name: the officer's expected name, whatever address (a list's IP literal) is dialled.
        builder.overrideAuthority(p.serverName() + ":" + target.port()));
    return builder.build();
  }

  /** A channel held by one call; closing the lease (idempotent) lets the channel be reaped. */
  public static final class Lease implements AutoCloseable {
    private final BackendChannelSet entry;
    private final ManagedChannel channel;
    private final Clock clock;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(BackendChannelSet entry, ManagedChannel channel, Clock clock) {
      this.entry = entry;
      this.channel = channel;
      this.clock = clock;
    }

    public Channel channel() {
      return channel;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        entry.release(clock.millis());
      }
    }
  }
}
