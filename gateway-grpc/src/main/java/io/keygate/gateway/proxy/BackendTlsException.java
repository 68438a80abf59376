package io.keygate.gateway.proxy;

/**
 * The credentials of a backend's TLS policy cannot be built (its client key is not in the HSM,
 * the token is unavailable). The message names the target and the key label, never key material.
 */
public final class BackendTlsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendTlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
