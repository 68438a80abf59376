package io.keygate.hsm;

import java.util.ArrayList;
import java.util.List;

/**
 * Many new HMAC secrets made inside the token in one call, for one requester, in the forms that
 * leave it: each {@link #stored(int)} wrapped under a KEK for the config store, and each {@link
 * #forRecipient(int)} wrapped under a one-time AES-256 transport key (RFC 5649, {@link
 * #SECRET_CIPHER}). The transport key itself leaves the token only encrypted to the requester's
 * one-time RSA key ({@link #transportKeyForRecipient()}, {@link WrappedMacKeys#RECIPIENT_CIPHER}),
 * so one RSA decryption in the requester's tool opens every secret of the batch. The token has
 * destroyed the working copies and the transport key before this exists.
 */
public final class IssuedSecretBatch {
  /** How the requester's tool unwraps each secret with the transport key (JCE name, RFC 5649). */
  public static final String SECRET_CIPHER = "AES/KWP/NoPadding";

  private final byte[] transportKeyForRecipient;
  private final List<WrappedSecret> stored;
  private final List<byte[]> forRecipient;

  public IssuedSecretBatch(byte[] transportKeyForRecipient, List<WrappedSecret> stored,
      List<byte[]> forRecipient) {
    if (transportKeyForRecipient == null || stored == null || forRecipient == null
        || stored.size() != forRecipient.size() || stored.isEmpty()) {
      throw new IllegalArgumentException(
          "a batch has a transport key and both forms of at least one secret");
    }
    this.transportKeyForRecipient = transportKeyForRecipient.clone();
    this.stored = List.copyOf(stored);
    List<byte[]> copies = new ArrayList<>(forRecipient.size());
    for (byte[] b : forRecipient) {
      copies.add(b.clone());
    }
    this.forRecipient = copies;
  }

  public int size() {
    return stored.size();
  }

  /** The AES-256 transport key, RSA-OAEP-encrypted to the requester. */
  public byte[] transportKeyForRecipient() {
    return transportKeyForRecipient.clone();
  }

  /** Secret {@code i} wrapped under the KEK, for the store. */
  public WrappedSecret stored(int i) {
    return stored.get(i);
  }

  /** Secret {@code i} wrapped under the transport key (40 bytes for a 32-byte secret). */
  public byte[] forRecipient(int i) {
    return forRecipient.get(i).clone();
  }

  @Override
  public String toString() {
    return "IssuedSecretBatch[" + stored.size() + " secrets, kek=" + stored.get(0).kek() + "]";
  }
}
