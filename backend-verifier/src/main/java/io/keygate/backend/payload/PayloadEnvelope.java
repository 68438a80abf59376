package io.keygate.backend.payload;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One encrypted message on the wire, version 1 (docs/payload-encryption.md, section 3):
 *
 * <pre>
 *   offset   size  field
 *   0        1     version = 0x01
 *   1        1     n = length of the key id (1..32)
 *   2        n     key id, ASCII [a-z0-9][a-z0-9.-]{0,31}
 *   2+n      4     counter: the message's index in its call, unsigned big-endian
 *   6+n      12    IV
 *   18+n     L     AES-256-GCM ciphertext
 *   18+n+L   16    tag
 * </pre>
 *
 * Holds no secret: an envelope is ciphertext.
 */
public record PayloadEnvelope(String keyId, long counter, byte[] iv, byte[] ciphertextAndTag) {
  public static final byte VERSION_1 = 0x01;
  public static final int IV_BYTES = 12;
  public static final int TAG_BYTES = 16;
  public static final long MAX_COUNTER = 0xFFFF_FFFFL;
  private static final Pattern KEY_ID = Pattern.compile("[a-z0-9][a-z0-9.-]{0,31}");
  private static final int MIN_BYTES = 2 + 1 + 4 + IV_BYTES + TAG_BYTES;

  public PayloadEnvelope {
    if (!isKeyId(keyId) || counter < 0 || counter > MAX_COUNTER || iv == null
        || iv.length != IV_BYTES || ciphertextAndTag == null
        || ciphertextAndTag.length < TAG_BYTES) {
      throw new IllegalArgumentException("not a version-1 payload envelope");
    }
    iv = iv.clone();
    ciphertextAndTag = ciphertextAndTag.clone();
  }

  /** Whether {@code keyId} is a key id an envelope may carry. */
  public static boolean isKeyId(String keyId) {
    return keyId != null && KEY_ID.matcher(keyId).matches();
  }

  /** Reads an envelope; refuses anything that is not a well-formed version-1 envelope. */
  public static PayloadEnvelope parse(byte[] bytes) throws PayloadException {
    if (bytes == null || bytes.length < MIN_BYTES) {
      throw new PayloadException(PayloadFailure.MALFORMED, "envelope truncated");
    }
    if (bytes[0] != VERSION_1) {
      throw new PayloadException(PayloadFailure.MALFORMED,
          "unknown envelope version " + (bytes[0] & 0xff));
    }
    int n = bytes[1] & 0xff;
    if (n < 1 || n > 32) {
      throw new PayloadException(PayloadFailure.MALFORMED, "key id length " + n);
    }
    if (bytes.length < MIN_BYTES - 1 + n) {
      throw new PayloadException(PayloadFailure.MALFORMED, "envelope truncated");
    }
    String keyId = new String(bytes, 2, n, StandardCharsets.ISO_8859_1);
    if (!isKeyId(keyId)) {
      throw new PayloadException(PayloadFailure.MALFORMED, "key id outside the alphabet");
    }
    long counter = ((bytes[2 + n] & 0xffL) << 24) | ((bytes[3 + n] & 0xffL) << 16)
        | ((bytes[4 + n] & 0xffL) << 8) | (bytes[5 + n] & 0xffL);
    byte[] iv = new byte[IV_BYTES];
    System.arraycopy(bytes, 6 + n, iv, 0, IV_BYTES);
    byte[] rest = new byte[bytes.length - 18 - n];
    System.arraycopy(bytes, 18 + n, rest, 0, rest.length);
    return new PayloadEnvelope(keyId, counter, iv, rest);
  }

  /** The envelope's bytes. */
  public byte[] encode() {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    int n = id.length;
    byte[] out = new byte[18 + n + ciphertextAndTag.length];
    out[0] = VERSION_1;
    out[1] = (byte) n;
    System.arraycopy(id, 0, out, 2, n);
    out[2 + n] = (byte) (counter >>> 24);
    out[3 + n] = (byte) (counter >>> 16);
    out[4 + n] = (byte) (counter >>> 8);
    out[5 + n] = (byte) counter;
    System.arraycopy(iv, 0, out, 6 + n, IV_BYTES);
    System.arraycopy(ciphertextAndTag, 0, out, 18 + n, ciphertextAndTag.length);
    return out;
  }

  @Override
  public byte[] iv() {
    return iv.clone();
  }

  @Override
  public byte[] ciphertextAndTag() {
    return ciphertextAndTag.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PayloadEnvelope e && java.util.Arrays.equals(e.encode(), encode());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "PayloadEnvelope[v1, key=" + keyId + ", n=" + counter + ", "
        + (ciphertextAndTag.length - TAG_BYTES) + " bytes]";
  }
}
