package io.keygate.gateway.store;

/**
 * The config store could not do what was asked. This type itself means the database failed
 * (unreachable, timed out, unexpected SQL error); the subtypes say the request was refused:
 * {@link ConfigConflictException} and {@link ConfigNotFoundException}. Messages name ids and
 * operations, never passwords or connection strings.
 */
public class ConfigStoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigStoreException(String message) {
    super(message);
  }

  public ConfigStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
