package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

import io.grpc.Metadata;
import io.grpc.ServerCall;

/**
 * The hook through which the gateway adds its own headers (today the request id and the caller's
 * tenant and app, as plain text) to a forwarded call. Called once per call after the backend is
 * chosen, on the call's thread and inside its {@link io.grpc.Context}, where the authenticated
 * principal travels.
 *
 * <p>The headers are not signed: a backend can tell them from a client's only because {@link
 * MetadataPolicy} strips every name under the gateway prefixes from what the client sent and
 * adds these afterwards. That protects a backend reachable only through the gateway; one that
 * clients can reach directly must not trust them. (Signing them with a per-backend HSM key is
 * the design's next step, hence the {@code backend} parameter.) To fail the call, throw a {@link
 * io.grpc.StatusRuntimeException}; its status goes to the client. Any other exception closes the
 * call with {@code INTERNAL}.
 */
@FunctionalInterface
public interface GatewayHeaders {

  /**
   * @param call the client's call (method, attributes, authority)
   * @param backend the backend the call goes to (for headers that differ per backend)
   * @return headers to add; an empty {@link Metadata} adds nothing
   */
  Metadata headersFor(ServerCall<?, ?> call, BackendTarget backend);

  /** Adds nothing. */
  static GatewayHeaders none() {
    return (call, backend) -> new Metadata();
  }
}
