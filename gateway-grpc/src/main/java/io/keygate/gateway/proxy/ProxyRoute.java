package io.keygate.gateway.proxy;

import io.grpc.Metadata;
import io.keygate.gateway.model.BackendTarget;
import java.util.Objects;

/**
 * Where one call goes, decided before the proxy sees it: the backend, the request id every
 * refusal of this call carries, and the gateway's own headers for the backend (names under the
 * {@link MetadataPolicy}'s gateway prefixes only; anything else is a bug and fails the call).
 */
public record ProxyRoute(BackendTarget backend, String requestId, Metadata gatewayHeaders) {
  public ProxyRoute {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(gatewayHeaders, "gatewayHeaders");
  }
}
