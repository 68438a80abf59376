package io.keygate.gateway.store;

/**
 * A store (config, audit, approvals, TLS keys, admin principals) could not do what was asked. This
 * type itself means the database failed (unreachable, timed out, unexpected SQL error) or holds a
 * row no valid write could have made; the subtypes say the request was refused: {@link
 * StoreConflictException} and {@link StoreNotFoundException}. Messages name ids and operations,
 * never passwords or connection strings.
 */
public class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
