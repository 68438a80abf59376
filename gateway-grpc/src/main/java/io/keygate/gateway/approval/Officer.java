package io.keygate.gateway.approval;

import java.util.Objects;

/**
 * A security-officer taking part in dual control.
 *
 * @param principal the principal the officer acts as (its identity as stored in
 *     admin_principals): two certificates of one principal are one officer
 * @param certificateSubject the subject DN of the certificate used, or null if it has none: two
 *     certificates with one subject are one person even when mapped as two principals (e.g. a
 *     fingerprint mapping and a subject mapping made for a renewal), never two approvals
 * @param actor how the audit log names the person (certificate subject and fingerprint)
 */
public record Officer(String principal, String certificateSubject, String actor) {
  public Officer {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(actor, "actor");
  }

  /** Whether this and {@code other} must count as one approver. */
  public boolean samePersonAs(Officer other) {
    return principal.equals(other.principal)
        || (certificateSubject != null && certificateSubject.equals(other.certificateSubject));
  }
}
