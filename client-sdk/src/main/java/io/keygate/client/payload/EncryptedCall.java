package io.keygate.client.payload;

import io.keygate.client.MessageEnvelopes;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import java.util.Objects;

/**
 * The request messages of one call to an API whose encryption policy is {@code client} or {@code
 * both} (docs/payload-encryption.md), sealed and signed in the order the spec needs: the call's
 * timestamp and nonce are drawn first, message 0 is sealed under them (they are in its AAD), and
 * the signature covers its envelope; every later message is sealed at its place and, when the
 * signer signs every message (signature version 2), carried in its message envelope, whose MAC
 * then covers the payload envelope.
 *
 * <p>Send {@link #signature()}'s headers as the call's metadata, {@link #firstMessage()} as its
 * first request message, then {@link #next} for each later one and, under version 2, {@link #end()}
 * before the half-close. The IVs come from the {@link PayloadCipher}'s random source. Not
 * thread-safe: one call's messages are made one at a time, in order.
 */
public final class EncryptedCall {
  private final PayloadCipher cipher;
  private final PayloadKey key;
  private final XcaSignature signature;
  private final MessageEnvelopes envelopes;
  private PayloadCall bound;
  private byte[] first;
  private long counter;

  private EncryptedCall(XcaSigner signer, PayloadCipher cipher, PayloadKey key, String path,
      String authority, byte[] firstPlaintext) {
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.key = Objects.requireNonNull(key, "key");
    this.signature = signer.signMade(path, authority, (timestamp, nonce) -> {
      bound = new PayloadCall(PayloadAad.Direction.CLIENT_TO_GATEWAY, path, signer.accessKey(),
          timestamp, nonce);
      first = cipher.seal(key, bound, 0, firstPlaintext);
      return first;
    });
    this.envelopes = signer.signsEveryMessage() ? signer.envelopes(signature) : null;
    this.counter = 1;
  }

  /**
   * Starts a call of {@code path} on {@code authority} whose first request message serializes to
   * {@code firstPlaintext}, sealed under {@code key} (the key the officer handed out for the
   * API's client hop).
   */
  public static EncryptedCall start(XcaSigner signer, PayloadCipher cipher, PayloadKey key,
      String path, String authority, byte[] firstPlaintext) {
    return new EncryptedCall(signer, cipher, key, path, authority, firstPlaintext);
  }

  /** The call's signature: its headers are the call's metadata. */
  public XcaSignature signature() {
    return signature;
  }

  /** Message 0 as sent: the envelope the signature covers. */
  public byte[] firstMessage() {
    return first.clone();
  }

  /** What every message of this call is bound to. */
  public PayloadCall bound() {
    return bound;
  }

  /** The next request message as sent, from its serialized bytes. */
  public byte[] next(byte[] plaintext) {
    byte[] sealed = cipher.seal(key, bound, counter++, plaintext);
    return envelopes == null ? sealed : envelopes.seal(sealed);
  }

  /**
   * The end marker to send before the half-close (signature version 2).
   *
   * @throws IllegalStateException if the call is signed with version 1, which has none
   */
  public byte[] end() {
    if (envelopes == null) {
      throw new IllegalStateException("a version-1 call has no end marker");
    }
    return envelopes.end();
  }

  @Override
  public String toString() {
    return "EncryptedCall[key " + key.id() + ", next message " + counter + "]";
  }
}
