package io.keygate.gateway.approval;

import java.util.Objects;

/**
 * A dual-controlled operation that may not run on what it names (see {@link ApprovedOperations}).
 * The reason is stable, for the admin API to answer with; the message names labels and ids only.
 */
public final class OperationRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the operation may not run. */
  public enum Reason {
    /** A key the gateway itself needs (the canary, the audit key, a CA key). */
    KEY_PROTECTED,
    /** No such key in the HSM. */
    KEY_NOT_FOUND,
    /** Some node's listener served this TLS key recently. */
    TLS_KEY_SERVED,
    /** The key holds the secret of a live credential. */
    KEY_IN_USE,
    /** Removing the officer would leave none. */
    LAST_OFFICER,
    /** Removing the officer would leave fewer than M, and the request did not accept that. */
    BELOW_QUORUM,
    /** The identity is not mapped as a security-officer. */
    NOT_AN_OFFICER,
    /**
     * A KEK operation that cannot run: the node has no key hierarchy, the token lacks a KEK it
     * names, or a rotation names the same KEK twice.
     */
    KEK_UNUSABLE,
    /** A KEK to be destroyed still wraps the secret of a stored credential. */
    KEK_IN_USE,
    /** A KEK to be destroyed is the one this node wraps new secrets under. */
    KEK_ISSUING
  }

  private final Reason reason;

  public OperationRefusedException(Reason reason, String logDetail) {
    super(logDetail);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
