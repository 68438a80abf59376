package io.keygate.gateway.store;

/**
 * The config store could not do what was asked. This type itself means the database failed
 * (unreachable, timed out, unexpected SQL error); the subtypes say the request was refused:
 * {@link StoreConflictException} and {@link StoreNotFoundException}. Messages name ids and
 * operations, never passwords or connection strings.
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
