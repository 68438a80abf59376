package io.keygate.gateway.authz;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Credential;
import java.time.Clock;

/**
 * Who may call what. Denied by default: an app may call an API of its own tenant only with a
 * grant, and another tenant's API only through a live authorization object of that tenant.
 * Plain class: no gRPC types, tested directly.
 */
public final class AccessPolicy {
  private final Clock clock;

  public AccessPolicy(Clock clock) {
    this.clock = clock;
  }

  /**
   * Decides whether {@code caller} may call {@code api}.
   *
   * @param caller the authenticated credential, or null for an unauthenticated call
   */
  public AccessDecision decide(Credential caller, ApiDefinition api, ConfigSnapshot snapshot) {
    if (api.authMode() == AuthMode.NONE) {
      return AccessDecision.ALLOWED_PUBLIC;
    }
    if (caller == null) {
      throw new IllegalArgumentException("a signature-mode API needs an authenticated caller");
    }
    if (snapshot.app(caller.appId()).isEmpty()) {
      return AccessDecision.DENIED_UNKNOWN_APP;
    }
    if (caller.tenantId().equals(api.tenantId())) {
      return snapshot.hasGrant(api.tenantId(), caller.appId(), api.id())
          ? AccessDecision.ALLOWED_BY_GRANT
          : AccessDecision.DENIED_NOT_GRANTED;
    }
    boolean sawDeadOne = false;
    for (CrossTenantAuthorization a : snapshot.authorizationsFor(caller.appId())) {
      if (!a.grantorTenantId().equals(api.tenantId()) || !a.apiIds().contains(api.id())) {
        continue;
      }
      if (a.liveAt(clock.instant())) {
        return AccessDecision.ALLOWED_BY_AUTHORIZATION;
      }
      sawDeadOne = true;
    }
    return sawDeadOne
        ? AccessDecision.DENIED_AUTHORIZATION_EXPIRED
        : AccessDecision.DENIED_CROSS_TENANT;
  }
}
