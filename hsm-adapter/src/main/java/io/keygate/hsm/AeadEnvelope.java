package io.keygate.hsm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of an {@link AeadKeys} ciphertext, version 1:
 *
 * <pre>
 *   offset  size  field
 *   0       1     version = 0x01
 *   1       1     n = length of the key id (1..64)
 *   2       n     key id: the key's label, US-ASCII ({@link KeyLabel} characters only)
 *   2+n     12    IV, chosen by the token's random source for this message
 *   14+n    rest  AES-256-GCM ciphertext followed by its 16-byte tag
 * </pre>
 *
 * The GCM associated data is the envelope's first {@code 2+n} bytes (version and key id)
 * followed by the caller's associated data, so the key id cannot be swapped without the tag
 * failing, and because the prefix carries its own length the two parts cannot be confused. A
 * plaintext of length L becomes {@code 30 + n + L} bytes. Random 96-bit IVs keep the chance of a
 * repeat below 2^-32 for up to 2^32 messages per key (NIST SP 800-38D): rotate keys before that.
 *
 * <p>Holds no secret: an envelope is ciphertext.
 */
public final class AeadEnvelope {
  public static final byte VERSION_1 = 0x01;
  public static final int IV_BYTES = 12;
  public static final int TAG_BYTES = 16;

  private final byte[] bytes;
  private final KeyLabel key;
  private final int prefixLength;

  private AeadEnvelope(byte[] bytes, KeyLabel key, int prefixLength) {
    this.bytes = bytes;
    this.key = key;
    this.prefixLength = prefixLength;
  }

  /** Assembles an envelope from the parts a sealing produced. */
  public static byte[] assemble(KeyLabel key, byte[] iv, byte[] ciphertextAndTag) {
    if (iv.length != IV_BYTES) {
      throw new IllegalArgumentException("AES-GCM IVs are 12 bytes");
    }
    byte[] prefix = prefix(key);
    byte[] out = new byte[prefix.length + IV_BYTES + ciphertextAndTag.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(iv, 0, out, prefix.length, IV_BYTES);
    System.arraycopy(ciphertextAndTag, 0, out, prefix.length + IV_BYTES, ciphertextAndTag.length);
    return out;
  }

  /** Reads an envelope; refuses anything that is not a well-formed version-1 envelope. */
  public static AeadEnvelope parse(byte[] envelope) throws CiphertextRejectedException {
    if (envelope == null || envelope.length < 2) {
      throw new CiphertextRejectedException("ciphertext is too short to be an envelope");
    }
    if (envelope[0] != VERSION_1) {
      throw new CiphertextRejectedException(
          "unknown ciphertext envelope version " + (envelope[0] & 0xff));
    }
    int n = envelope[1] & 0xff;
    int prefixLength = 2 + n;
    if (n == 0 || envelope.length < prefixLength + IV_BYTES + TAG_BYTES) {
      throw new CiphertextRejectedException("ciphertext envelope is truncated");
    }
    String id = new String(envelope, 2, n, StandardCharsets.US_ASCII);
    if (!KeyLabel.isValid(id)) {
      throw new CiphertextRejectedException("ciphertext envelope names no valid key id");
    }
    return new AeadEnvelope(envelope.clone(), KeyLabel.of(id), prefixLength);
  }

  /** The version-and-key-id prefix that starts every envelope sealed under {@code key}. */
  public static byte[] prefix(KeyLabel key) {
    byte[] id = key.value().getBytes(StandardCharsets.US_ASCII);
    byte[] prefix = new byte[2 + id.length];
    prefix[0] = VERSION_1;
    prefix[1] = (byte) id.length;
    System.arraycopy(id, 0, prefix, 2, id.length);
    return prefix;
  }

  /** The GCM associated data: this envelope's prefix, then the caller's data. */
  public static byte[] associatedData(byte[] prefix, byte[] callerAad) {
    byte[] aad = callerAad == null ? new byte[0] : callerAad;
    byte[] out = Arrays.copyOf(prefix, prefix.length + aad.length);
    System.arraycopy(aad, 0, out, prefix.length, aad.length);
    return out;
  }

  /** The key that sealed this envelope. */
  public KeyLabel key() {
    return key;
  }

  public byte[] prefix() {
    return Arrays.copyOfRange(bytes, 0, prefixLength);
  }

  public byte[] iv() {
    return Arrays.copyOfRange(bytes, prefixLength, prefixLength + IV_BYTES);
  }

  public byte[] ciphertextAndTag() {
    return Arrays.copyOfRange(bytes, prefixLength + IV_BYTES, bytes.length);
  }

  @Override
  public String toString() {
    return "AeadEnvelope[v1, key=" + key + ", " + bytes.length + " bytes]";
  }
}
