package io.keygate.gateway.authz;

/** The outcome of authorizing one call; a denial says why in a stable code. */
public enum AccessDecision {
  /** The API needs no caller (auth mode NONE). */
  ALLOWED_PUBLIC(null),
  /** The caller's app belongs to the API's tenant and holds a grant for the API. */
  ALLOWED_BY_GRANT(null),
  /** The caller's app belongs to another tenant that authorized it, and that is still live. */
  ALLOWED_BY_AUTHORIZATION(null),
  /** Same tenant, but no grant for this API. */
  DENIED_NOT_GRANTED("ApiNotGranted"),
  /** Another tenant's API, and no authorization object names this app and API. */
  DENIED_CROSS_TENANT("CrossTenantNotAuthorized"),
  /** An authorization object names this app and API, but it expired or was revoked. */
  DENIED_AUTHORIZATION_EXPIRED("AuthorizationExpired"),
  /** The caller's app no longer exists (deleted since its credential was issued). */
  DENIED_UNKNOWN_APP("UnknownApp");

  private final String code;

  AccessDecision(String code) {
    this.code = code;
  }

  public boolean allowed() {
    return code == null;
  }

  /** The stable error code for a denial; null when allowed. */
  public String code() {
    return code;
  }
}
