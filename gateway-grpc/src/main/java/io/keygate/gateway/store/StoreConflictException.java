package io.keygate.gateway.store;

/**
 * A write was refused because it would break an invariant of the stored configuration. Nothing
 * was written. Messages never say whether an id exists in another tenant.
 */
public final class StoreConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** Why the write was refused; the admin API maps these to stable error codes. */
  public enum Kind {
    /** The id, access key or method name is already taken (ids are unique cluster-wide). */
    DUPLICATE,
    /**
     * The write names a tenant, app or API that does not exist in the tenant it must belong to.
     * An object of another tenant counts as unknown, so the message reveals nothing about it.
     */
    UNKNOWN_REFERENCE,
    /** A cross-tenant authorization whose grantee app belongs to the grantor tenant itself. */
    SAME_TENANT,
    /**
     * An API on a domain or backend target a security officer has not allowed its tenant, or in
     * auth mode NONE on a target not allowed unauthenticated.
     */
    NOT_ALLOWED,
    /** An allowance that APIs still use (remove or move those APIs first). */
    IN_USE,
    /** A payload key that is not current added to a ring with no current key (admin API 1.11). */
    NO_CURRENT_KEY
  }

  private final Kind kind;

  public StoreConflictException(Kind kind, String message) {
    this(kind, message, null);
  }

  public StoreConflictException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
