package io.keygate.gateway.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One audited fact: who did what to which object, when, and how it ended. Never holds a secret.
 *
 * @param actor who acted: a certificate subject for officers and admins, an AccessKey or app id
 *     for data-plane events, "system" for the gateway itself
 * @param role the role the actor acted in (security-officer, tenant-admin, auditor, app, system)
 * @param action a stable verb, e.g. {@code credential.create}, {@code auth.failure}
 * @param target the object acted on, e.g. {@code tenant/acme/credential/AK...}
 * @param requestId the request id the action was served under, or "-"
 * @param detail free text for people; never secrets
 */
public record AuditEvent(
    Instant time,
    String actor,
    String role,
    String action,
    String target,
    Outcome outcome,
    String requestId,
    String detail) {

  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outcome, "outcome");
    requestId = requestId == null ? "-" : requestId;
    detail = detail == null ? "" : detail;
  }

  public enum Outcome {
    SUCCESS,
    DENIED,
    FAILED
  }
}
