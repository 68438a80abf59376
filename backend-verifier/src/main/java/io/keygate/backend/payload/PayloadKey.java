package io.keygate.backend.payload;

import java.util.Arrays;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256 payload key and its id, as the security officer handed it out (docs/
 * payload-encryption.md, section 6). It cannot print its bytes and has no {@code equals}; {@link
 * #destroy()} zeroes the copy held here.
 */
public final class PayloadKey implements AutoCloseable {
  public static final int BYTES = 32;

  private final String id;
  private final byte[] bytes;
  private volatile boolean destroyed;

  private PayloadKey(String id, byte[] bytes) {
    if (!PayloadEnvelope.isKeyId(id) || bytes.length != BYTES) {
      Arrays.fill(bytes, (byte) 0);
      throw new IllegalArgumentException("a payload key is a key id and 32 bytes");
    }
    this.id = id;
    this.bytes = bytes;
  }

  /** Copies {@code key}; the caller should zero its own array afterwards. */
  public static PayloadKey copyOf(String id, byte[] key) {
    return new PayloadKey(id, key.clone());
  }

  /** Decodes the key as the officer's tool wrote it (standard base64). */
  public static PayloadKey fromBase64(String id, String base64) {
    try {
      return new PayloadKey(id, Base64.getDecoder().decode(base64.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a payload key is a key id and 32 bytes of base64");
    }
  }

  public String id() {
    return id;
  }

  SecretKeySpec spec() {
    if (destroyed) {
      throw new IllegalStateException("payload key " + id + " was destroyed");
    }
    return new SecretKeySpec(bytes, "AES");
  }

  public void destroy() {
    destroyed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public void close() {
    destroy();
  }

  @Override
  public String toString() {
    return "PayloadKey[" + id + ", <redacted>]";
  }
}
