package io.keygate.gateway.model;

import java.time.Instant;
import java.util.Set;

/**
 * The grantor tenant lets one app of another tenant call some of its APIs until {@code expiresAt}.
 */
public record CrossTenantAuthorization(
    String id,
    String grantorTenantId,
    String granteeAppId,
    Set<String> apiIds,
    Instant expiresAt,
    boolean revoked) {

  public CrossTenantAuthorization {
    apiIds = Set.copyOf(apiIds);
  }

  public boolean liveAt(Instant now) {
    return !revoked && now.isBefore(expiresAt);
  }
}
