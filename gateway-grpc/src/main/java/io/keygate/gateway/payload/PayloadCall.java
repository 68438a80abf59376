package io.keygate.gateway.payload;

/**
 * What every message of one call is bound to: its direction and the call's method, principal,
 * timestamp and nonce (docs/payload-encryption.md, section 4). Not secret.
 */
public record PayloadCall(PayloadAad.Direction direction, String method, String principal,
    String timestamp, String nonce) {

  /** The AAD of the message at {@code counter} sealed under {@code keyId}. */
  public PayloadAad aad(String keyId, long counter) {
    return new PayloadAad(direction, keyId, counter, method, principal, timestamp, nonce);
  }
}
