package io.keygate.gateway.store;

/**
 * An update or revocation named an object that does not exist in the caller's tenant (whether or
 * not it exists in another tenant: the message does not say). Nothing was written.
 */
public final class StoreNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreNotFoundException(String message) {
    super(message);
  }
}
