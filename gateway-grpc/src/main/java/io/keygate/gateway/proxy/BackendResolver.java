package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

import java.util.Optional;

/**
 * Chooses the backend for one call. Called once per call, on the call's thread and inside its
 * {@link io.grpc.Context}, so an implementation may read what the code that admitted the call put
 * there (the route, the tenant). It must not block: it runs on the hot path of every call. To
 * refuse a call with a status of its own choosing, it may throw a {@link
 * io.grpc.StatusRuntimeException}. Every {@link BackendTarget} it returns can be dialled: the
 * type admits only the forms {@link BackendChannels} builds a channel for.
 */
@FunctionalInterface
public interface BackendResolver {

  /**
   * @param fullMethodName {@code package.Service/Method}, as sent by the client
   * @return the backend, or empty when no API is registered for the method (the call is then
   *     closed with {@code UNIMPLEMENTED})
   */
  Optional<BackendTarget> resolve(String fullMethodName);
}
