package io.keygate.gateway.admin.access;

import io.keygate.gateway.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The security-officers measured against M, the approvals dual control needs, and the bootstrap
 * window: while fewer than M officers have ever existed, one officer changes the set of officers
 * alone (somebody has to add the second). The first time M exist, {@link QuorumHistory} records
 * it and the window is closed for good: removing officers afterwards, even with the quorum's
 * approval, never lets one person add or remove an officer again. Without that record, one
 * officer could remove the other, drop below M and be back in the window, alone.
 */
public final class OfficerQuorum {
  private final AdminPrincipals principals;
  private final QuorumHistory history;
  private final int required;
  private final Clock clock;

  /** @param required M, as dual control is configured */
  public OfficerQuorum(
      AdminPrincipals principals, QuorumHistory history, int required, Clock clock) {
    this.principals = Objects.requireNonNull(principals, "principals");
    this.history = Objects.requireNonNull(history, "history");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.required = required;
  }

  /** M. */
  public int required() {
    return required;
  }

  /** The rows mapping an identity to security-officer now. */
  public int officers() throws StoreException {
    return (int) principals.list().stream()
        .filter(p -> p.role() == AdminRole.SECURITY_OFFICER)
        .count();
  }

  /**
   * Whether one officer may still add or remove officers alone. Asked before every change to the
   * officers (and after an addition, so the record is written the moment M exist): the record is
   * written here, lazily, so a database where M officers already existed before this rule (or
   * were inserted by hand) closes on its first question.
   */
  public boolean bootstrapOpen() throws StoreException {
    if (history.reachedAt().isPresent()) {
      return false;
    }
    int now = officers();
    if (now >= required) {
      history.recordReached(Instant.ofEpochMilli(clock.millis()), now, required);
      return false;
    }
    return true;
  }
}
