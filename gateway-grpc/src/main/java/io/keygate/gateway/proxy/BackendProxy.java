package io.keygate.gateway.proxy;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Forwards a call, as raw bytes, along the {@link ProxyRoute} the caller decided: unary and
 * streaming alike, with flow control in both directions, the client's deadline, cancellation both
 * ways, and the backend's status, headers and trailers passed back (metadata filtered by a {@link
 * MetadataPolicy} both ways).
 *
 * <p>Knows nothing of authentication or tenants: the data plane admits a call first and hands
 * over the route explicitly. The proxy never refuses by throwing: every failure closes the call
 * with a status.
 */
public final class BackendProxy {
  /** Generous for a LAN hop, negligible against any realistic client deadline. */
  public static final Duration DEFAULT_DEADLINE_OFFSET = Duration.ofMillis(10);

  private static final Logger LOG = System.getLogger("io.keygate.gateway.proxy");

  private final BackendChannels channels;
  private final MetadataPolicy policy;
  private final long deadlineOffsetNanos;

  /**
   * @param channels where backend channels come from
   * @param policy which metadata crosses, both ways
   * @param deadlineOffset taken off the client's deadline for the backend call, so the backend's
   *     answer (or its DEADLINE_EXCEEDED) has time to travel back before the client gives up;
   *     gRPC timeouts are relative, so without it each hop's deadline ends slightly later than
   *     the one before (by the transit time). Zero disables it.
   */
  public BackendProxy(BackendChannels channels, MetadataPolicy policy, Duration deadlineOffset) {
    this.channels = Objects.requireNonNull(channels, "channels");
    this.policy = Objects.requireNonNull(policy, "policy");
    if (deadlineOffset.isNegative()) {
      throw new IllegalArgumentException("deadlineOffset must not be negative: " + deadlineOffset);
    }
    this.deadlineOffsetNanos = deadlineOffset.toNanos();
  }

  /** Default policy and {@link #DEFAULT_DEADLINE_OFFSET}. */
  public BackendProxy(BackendChannels channels) {
    this(channels, MetadataPolicy.defaults(), DEFAULT_DEADLINE_OFFSET);
  }

  /**
   * The index of the node's event loop the calling thread runs, -1 if none: a call forwarded
   * later from another thread passes it in its {@link ProxyRoute}.
   */
  public int currentLoop() {
    return channels.currentLoop();
  }

  /**
   * Runs {@code task} on the event loop with this index, the one that serves a call's client
   * ({@link #currentLoop}), so that a call continued from another thread starts its backend leg
   * where its connections live; on the calling thread if the index is -1, the node has no loops of
   * its own, or the loop is stopping.
   */
  public void onClientLoop(int loop, Runnable task) {
    channels.onLoop(loop, task);
  }

  /**
   * Starts the backend call and returns it: the listener for the client's side, and the handle
   * that ends it early. Call it on one of the client call's callbacks (grpc runs them in the
   * call's {@link Context}, which carries the client's deadline).
   */
  public Forwarded forward(
      ServerCall<byte[], byte[]> call, Metadata clientHeaders, ProxyRoute route) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Metadata backendHeaders;
    try {
      backendHeaders = policy.requestHeaders(clientHeaders, route.gatewayHeaders());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot build backend headers request=" + route.requestId()
          + " method=" + method, e);
      return refuse(call, route, GatewayError.INTERNAL, "headers: " + e.getClass().getSimpleName());
    }
    BackendChannels.Lease lease;
    try {
      lease = route.clientLoop() >= 0
          ? channels.acquire(route.backend(), route.clientLoop())
          : channels.acquire(route.backend());
    } catch (BackendBusyException e) {
      return refuse(call, route, GatewayError.BACKEND_BUSY, e.getMessage());
    } catch (BackendTlsException e) {
      LOG.log(Level.WARNING, "cannot secure the channel request=" + route.requestId()
          + " backend=" + route.backend() + ": " + e.getMessage());
      return refuse(call, route, GatewayError.BACKEND_TLS_FAILED, e.getMessage());
    } catch (TooManyBackendsException | IllegalStateException e) {
      return refuse(call, route, GatewayError.BACKEND_UNAVAILABLE, "no channel: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "cannot build a channel request=" + route.requestId()
          + " backend=" + route.backend(), e);
      return refuse(call, route, GatewayError.INTERNAL, "channel: " + e.getClass().getSimpleName());
    }
    return ProxiedCall.start(call, lease, backendCallOptions(), policy, route, backendHeaders);
  }

  /**
   * The backend call's options. The client's deadline (grpc puts it on the server Context) goes
   * on the backend call, less the offset, so the backend knows how long it has. Not
   * wait-for-ready: a backend that is down must fail the call promptly with UNAVAILABLE, not hold
   * it until the deadline.
   */
  private CallOptions backendCallOptions() {
    Deadline deadline = Context.current().getDeadline();
    if (deadline == null) {
      return CallOptions.DEFAULT;
    }
    return CallOptions.DEFAULT.withDeadline(
        deadline.offset(-deadlineOffsetNanos, TimeUnit.NANOSECONDS));
  }

  private static Forwarded refuse(
      ServerCall<?, ?> call, ProxyRoute route, GatewayError error, String detail) {
    ErrorReplies.refuse(
        call, error, route.requestId(), call.getMethodDescriptor().getFullMethodName(), detail);
    return Forwarded.refused();
  }
}
