package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Forwards any call, as raw bytes, to the backend the {@link BackendResolver} picks: unary and
 * streaming alike, with flow control in both directions, the client's deadline, cancellation both
 * ways, and the backend's status, headers and trailers passed back (metadata filtered by a {@link
 * MetadataPolicy} both ways).
 *
 * <p>Knows nothing of authentication or tenants, and is not itself behind an interceptor: in the
 * gateway it is wrapped by the data plane's call handler, which routes, authenticates and
 * authorizes a call first and only then starts it here, leaving the route and principal in the
 * {@link Context}, where the resolver and {@link GatewayHeaders} can read them.
 *
 * <p>The proxy never refuses by throwing: every failure closes the call with a status.
 */
public final class ProxyCallHandler implements ServerCallHandler<byte[], byte[]> {
  /** Generous for a LAN hop, negligible against any realistic client deadline. */
  public static final Duration DEFAULT_DEADLINE_OFFSET = Duration.ofMillis(10);

  private static final Logger LOG = System.getLogger("io.keygate.gateway.proxy");

  private final BackendResolver resolver;
  private final BackendChannels channels;
  private final MetadataPolicy policy;
  private final GatewayHeaders gatewayHeaders;
  private final long deadlineOffsetNanos;

  /**
   * @param resolver picks the backend per call
   * @param channels where backend channels come from
   * @param policy which metadata crosses, both ways
   * @param gatewayHeaders the gateway's own headers for the backend
   * @param deadlineOffset taken off the client's deadline for the backend call, so the backend's
   *     answer (or its DEADLINE_EXCEEDED) has time to travel back before the client gives up;
   *     gRPC timeouts are relative, so without it each hop's deadline ends slightly later than
   *     the one before (by the transit time). Zero disables it.
   */
  public ProxyCallHandler(
      BackendResolver resolver,
      BackendChannels channels,
      MetadataPolicy policy,
      GatewayHeaders gatewayHeaders,
      Duration deadlineOffset) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.gatewayHeaders = Objects.requireNonNull(gatewayHeaders, "gatewayHeaders");
    if (deadlineOffset.isNegative()) {
      throw new IllegalArgumentException("deadlineOffset must not be negative: " + deadlineOffset);
    }
    this.deadlineOffsetNanos = deadlineOffset.toNanos();
  }

  /** Default policy, no gateway headers, {@link #DEFAULT_DEADLINE_OFFSET}. */
  public ProxyCallHandler(BackendResolver resolver, BackendChannels channels) {
    this(
        resolver,
        channels,
        MetadataPolicy.defaults(),
        GatewayHeaders.none(),
        DEFAULT_DEADLINE_OFFSET);
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
    String method = call.getMethodDescriptor().getFullMethodName();
    BackendTarget target;
    Metadata backendHeaders;
    try {
      Optional<BackendTarget> resolved = resolver.resolve(method);
      if (resolved.isEmpty()) {
        return refuse(call, GatewayError.UNKNOWN_API, "no backend for the method");
      }
      target = resolved.get();
      backendHeaders = policy.requestHeaders(headers, gatewayHeaders.headersFor(call, target));
    } catch (StatusRuntimeException e) {
      // A deliberate refusal from the resolver or the header hook (e.g. the HSM cannot sign).
      Metadata trailers = e.getTrailers() == null ? new Metadata() : e.getTrailers();
      call.close(e.getStatus(), trailers);
      return new ServerCall.Listener<>() {};
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot route method=" + method, e);
      return refuse(call, GatewayError.INTERNAL, "routing failed: " + e.getClass().getSimpleName());
    }

    BackendChannels.Lease lease;
    try {
      lease = channels.acquire(target);
    } catch (TooManyBackendsException | IllegalStateException e) {
      return refuse(call, GatewayError.BACKEND_UNAVAILABLE, "no channel: " + e.getMessage());
    }
    return ProxiedCall.start(call, lease, backendCallOptions(), policy, target, backendHeaders);
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

  private static ServerCall.Listener<byte[]> refuse(
      ServerCall<?, ?> call, GatewayError error, String detail) {
    ErrorReplies.refuse(call, error, call.getMethodDescriptor().getFullMethodName(), detail);
    return new ServerCall.Listener<>() {};
  }
}
