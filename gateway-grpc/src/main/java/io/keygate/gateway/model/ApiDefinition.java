package io.keygate.gateway.model;

/**
 * A registered API: one full gRPC method name, owned by a tenant, forwarded to a backend.
 *
 * @param methodName the full method name without a leading slash, e.g. {@code pkg.Service/Method}
 * @param backendTarget where calls go, as written: a form {@link BackendTarget#parse} accepts
 *     (plaintext on a trusted network for now)
 */
public record ApiDefinition(
    String id, String tenantId, String methodName, String backendTarget, AuthMode authMode) {}
