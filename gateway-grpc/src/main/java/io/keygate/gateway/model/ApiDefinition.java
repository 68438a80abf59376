package io.keygate.gateway.model;

/**
 * A registered API: one full gRPC method name on one of its tenant's domains, forwarded to a
 * backend. Calls find it by the pair (domain, method) — the {@code :authority} they were sent
 * (and, in signature mode, signed) to and the method — so a method name belongs to the domain's
 * tenant and no other tenant can capture it.
 *
 * @param domain one of the tenant's {@link DomainAllowance domains}; null only for an API stored
 *     before routing was per domain (schema V6): such a legacy API is found by method name alone
 *     and cannot be registered any more, only moved onto a domain or removed
 * @param methodName the full method name without a leading slash, e.g. {@code pkg.Service/Method}
 * @param backendTarget where calls go, as written: one of the tenant's {@link BackendAllowance
 *     allowed backends}, in a form {@link BackendTarget#parse} accepts
 * @param preAuthMaxMessageBytes the largest first message a call may send before it is
 *     authenticated; 0 means the node's limit, and a larger value than the node's is capped to it
 */
public record ApiDefinition(
    String id,
    String tenantId,
    String domain,
    String methodName,
    String backendTarget,
    AuthMode authMode,
    int preAuthMaxMessageBytes) {

  /** The largest per-API pre-authentication limit the store accepts (gRPC's message maximum). */
  public static final int MAX_PREAUTH_MESSAGE_BYTES = 16 << 20;

  /** An API with the node's pre-authentication limit. */
  public ApiDefinition(
      String id, String tenantId, String domain, String methodName, String backendTarget,
      AuthMode authMode) {
    this(id, tenantId, domain, methodName, backendTarget, authMode, 0);
  }

  /** Whether it predates per-domain routing (found by method name alone). */
  public boolean legacy() {
    return domain == null;
  }
}
