package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

import io.grpc.Metadata;
import io.grpc.ServerCall;

/**
 * The hook through which the gateway adds its own headers (the caller's identity, signed for the
 * backend) to a forwarded call. Called once per call after the backend is chosen, on the call's
 * thread and inside its {@link io.grpc.Context}, where the authenticated principal travels.
 *
 * <p>The returned headers are added after the client's headers were filtered by {@link
 * MetadataPolicy}, so a client cannot forge them: names under the policy's gateway prefixes are
 * always stripped from what the client sent. To fail the call (for example when the HSM cannot
 * sign), throw a {@link io.grpc.StatusRuntimeException}; its status goes to the client. Any other
 * exception closes the call with {@code INTERNAL}.
 */
@FunctionalInterface
public interface GatewayHeaders {

  /**
   * @param call the client's call (method, attributes, authority)
   * @param backend the backend the call goes to (per-backend signing keys)
   * @return headers to add; an empty {@link Metadata} adds nothing
   */
  Metadata headersFor(ServerCall<?, ?> call, BackendTarget backend);

  /** Adds nothing. */
  static GatewayHeaders none() {
    return (call, backend) -> new Metadata();
  }
}
