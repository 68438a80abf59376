package io.keygate.hsm;

import java.util.Arrays;
import java.util.Base64;

/**
 * An HMAC secret as it is kept outside the HSM: encrypted under a KEK with AES key wrap with
 * padding (RFC 5649, {@code CKM_AES_KEY_WRAP_PAD}). It is useless without the token that holds the
 * KEK, and the KEK can only unwrap it into a verify-only key inside that token: so the blob is
 * stored in the config database and may appear in backups, but it is still never printed.
 *
 * <p>Equal blobs under the same KEK are the same secret, which is what the unwrapped-key cache
 * keys on.
 */
public final class WrappedSecret {
  /** RFC 5649 of a 32-byte secret is 40 bytes; anything far outside is not one of ours. */
  public static final int MIN_BLOB_BYTES = 16;

  public static final int MAX_BLOB_BYTES = 512;

  private final KekId kek;
  private final byte[] blob;
  private final int hash;

  public WrappedSecret(KekId kek, byte[] blob) {
    if (kek == null || blob == null) {
      throw new IllegalArgumentException("a wrapped secret needs its KEK id and its blob");
    }
    if (blob.length < MIN_BLOB_BYTES || blob.length > MAX_BLOB_BYTES || blob.length % 8 != 0) {
      throw new IllegalArgumentException(
          "a wrapped secret is a multiple of 8 bytes between " + MIN_BLOB_BYTES + " and "
              + MAX_BLOB_BYTES + ", not " + blob.length);
    }
    this.kek = kek;
    this.blob = blob.clone();
    this.hash = 31 * kek.hashCode() + Arrays.hashCode(this.blob);
  }

  /** Parses what {@link #encoded()} wrote. */
  public static WrappedSecret decode(KekId kek, String base64) {
    try {
      return new WrappedSecret(kek, Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a wrapped secret must be base64 of its blob", e);
    }
  }

  public KekId kek() {
    return kek;
  }

  /** A copy of the blob. */
  public byte[] blob() {
    return blob.clone();
  }

  /** The blob in base64, for the config store. */
  public String encoded() {
    return Base64.getEncoder().encodeToString(blob);
  }

  public int length() {
    return blob.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WrappedSecret w && w.kek.equals(kek) && Arrays.equals(w.blob, blob);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Names the KEK and the size, never the blob. */
  @Override
  public String toString() {
    return "WrappedSecret[kek=" + kek + ", " + blob.length + " bytes]";
  }
}
