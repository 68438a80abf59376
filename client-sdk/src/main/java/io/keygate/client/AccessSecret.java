package io.keygate.client;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An app's AccessSecret. It cannot print itself and has no {@code equals} (comparing secrets is
 * never what a caller needs, and a non-constant-time comparison would leak). The bytes never
 * leave this class: the signer asks it for an HMAC. {@link #destroy()} zeroes the copy held here.
 */
public final class AccessSecret implements AutoCloseable {
  /** The gateway's HSM refuses HMAC keys shorter than this. */
  public static final int MIN_LENGTH = 32;

  private final byte[] bytes;
  private volatile boolean destroyed;

  private AccessSecret(byte[] bytes) {
    if (bytes.length < MIN_LENGTH) {
      Arrays.fill(bytes, (byte) 0);
      throw new IllegalArgumentException("an AccessSecret has at least " + MIN_LENGTH + " bytes");
    }
    this.bytes = bytes;
  }

  /** Copies {@code secret}; the caller should zero its own array afterwards. */
  public static AccessSecret copyOf(byte[] secret) {
    return new AccessSecret(secret.clone());
  }

  /**
   * Decodes the secret as the security officer handed it out (standard base64). Prefer {@link
   * #copyOf(byte[])} when the secret is already bytes: a {@code String} cannot be zeroed.
   */
  public static AccessSecret fromBase64(String base64) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      // The message of the JDK's exception may quote the input: do not chain it.
      throw new IllegalArgumentException("AccessSecret is not valid base64");
    }
    return new AccessSecret(decoded);
  }

  /** HMAC-SHA256 of {@code data} under this secret. */
  byte[] hmacSha256(byte[] data) {
    if (destroyed) {
      throw new IllegalStateException("AccessSecret was destroyed");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no HmacSHA256", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 refused the AccessSecret", e);
    }
  }

  /** Zeroes the secret; signing with it afterwards fails. */
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
    return "AccessSecret[<redacted>]";
  }
}
