package io.keygate.gateway.proxy;

import io.grpc.Metadata;
import io.keygate.gateway.model.BackendTarget;
import java.util.Objects;

/**
 * Where one call goes, decided before the proxy sees it: the backend, the request id every
 * refusal of this call carries, and the gateway's own headers for the backend (names under the
 * {@link MetadataPolicy}'s gateway prefixes only; anything else is a bug and fails the call),
 * and the {@link TransportLoops} loop that serves the client, so the backend leg joins it when
 * the call is forwarded from another thread (the HSM lane); -1 when forwarded from that loop
 * itself, or when there are no loops.
 */
public record ProxyRoute(
    BackendTarget backend, String requestId, Metadata gatewayHeaders, int clientLoop) {
  public ProxyRoute {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(gatewayHeaders, "gatewayHeaders");
    if (clientLoop < -1) {
      throw new IllegalArgumentException("clientLoop is a loop's index or -1: " + clientLoop);
    }
  }

  /** A route forwarded from the thread that serves the client ({@code clientLoop} -1). */
  public ProxyRoute(BackendTarget backend, String requestId, Metadata gatewayHeaders) {
    this(backend, requestId, gatewayHeaders, -1);
  }
}
