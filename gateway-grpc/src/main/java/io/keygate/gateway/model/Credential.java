package io.keygate.gateway.model;

import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.WrappedSecret;
import java.time.Instant;

/**
 * An AccessKey of an app. The AccessSecret is never here in the clear: either the label of the
 * HSM key that holds it, or the secret wrapped under a key-encryption key that only the HSM can
 * unwrap (docs/key-hierarchy.md).
 *
 * @param secretLabel the token key holding the secret, or for a wrapped secret the name the
 *     credential's key goes by (no token key has it)
 * @param notAfter when a retired credential stops working; null while it has no end
 * @param lastUsed when a call last authenticated with it; null if never
 * @param wrapped the secret wrapped under a KEK; null when {@code secretLabel} is a token key
 */
public record Credential(
    String accessKey,
    String appId,
    String tenantId,
    KeyLabel secretLabel,
    Instant notAfter,
    boolean revoked,
    Instant lastUsed,
    WrappedSecret wrapped) {

  /** A credential whose secret is a token key of its own. */
  public Credential(String accessKey, String appId, String tenantId, KeyLabel secretLabel,
      Instant notAfter, boolean revoked, Instant lastUsed) {
    this(accessKey, appId, tenantId, secretLabel, notAfter, revoked, lastUsed, null);
  }

  /** Whether the secret is kept wrapped under a KEK rather than as a token key. */
  public boolean isWrapped() {
    return wrapped != null;
  }

  /** Whether the credential may authenticate a call at {@code now}. */
  public State stateAt(Instant now) {
    if (revoked) {
      return State.REVOKED;
    }
    if (notAfter != null && !now.isBefore(notAfter)) {
      return State.EXPIRED;
    }
    return State.ACTIVE;
  }

  public enum State {
    ACTIVE,
    EXPIRED,
    REVOKED
  }
}
