package io.keygate.gateway.auth;

/**
 * The nonce store cannot say whether a nonce is new (full, or its backend is down). The gateway
 * fails closed: it refuses the call as UNAVAILABLE rather than risk accepting a replay.
 */
public final class NonceStoreUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public NonceStoreUnavailableException(String message) {
    super(message);
  }

  public NonceStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
