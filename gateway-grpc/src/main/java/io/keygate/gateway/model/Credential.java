package io.keygate.gateway.model;

import io.keygate.hsm.KeyLabel;
import java.time.Instant;

/**
 * An AccessKey of an app. The AccessSecret is never here: only the label of the HSM key that
 * holds it.
 *
 * @param notAfter when a retired credential stops working; null while it has no end
 * @param lastUsed when a call last authenticated with it; null if never
 */
public record Credential(
    String accessKey,
    String appId,
    String tenantId,
    KeyLabel secretLabel,
    Instant notAfter,
    boolean revoked,
    Instant lastUsed) {

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
