package io.keygate.gateway.approval;

import java.util.Objects;

/**
 * A security-officer taking part in dual control.
 *
 * @param principal the principal the officer acts as (its identity as stored in
 *     admin_principals): two certificates of one principal are one officer, never two approvals
 * @param actor how the audit log names the person (certificate subject and fingerprint)
 */
public record Officer(String principal, String actor) {
  public Officer {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(actor, "actor");
  }
}
