package io.keygate.gateway.credentials;

import java.util.Objects;

/**
 * A credential's life refused a step (see {@link CredentialLifecycle}). The reason is stable, for
 * the admin API to answer with; the message names ids, never secrets, and goes to the log only.
 */
public final class CredentialRuleException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the step was refused. */
  public enum Reason {
    /** The app already has a live credential: add one to rotate, do not create. */
    ALREADY_HAS_ONE,
    /** Adding needs a live credential to rotate from. */
    NONE_LIVE,
    /** The app already holds the most live credentials a rotation allows. */
    LIMIT_REACHED,
    /** The retirement delay is outside what is allowed. */
    BAD_RETIREMENT,
    /** Only a live credential can be retired. */
    NOT_ACTIVE,
    /** The credential already ends sooner; a retirement never extends a key. */
    ENDS_SOONER,
    /** The node keeps secrets wrapped and will not send one in the clear: send a one-time key. */
    RECIPIENT_KEY_REQUIRED,
    /** Bulk issuance needs a node with a key hierarchy: the gateway must never draw the secrets. */
    KEY_HIERARCHY_REQUIRED
  }

  private final Reason reason;

  public CredentialRuleException(Reason reason, String logDetail) {
    super(logDetail);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
