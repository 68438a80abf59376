package io.keygate.hsm;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Secret key material on its way into the token (an AccessSecret before import). It cannot print
 * itself and has no {@code equals}; the bytes come out only through {@link #unsafeCopy()}, whose
 * name makes every use easy to find. {@link #destroy()} zeroes the copy held here.
 */
public final class SecretBytes implements AutoCloseable {
  private final byte[] bytes;
  private volatile boolean destroyed;

  private SecretBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Fresh random bytes from the given generator (use a strong one, e.g. DRBG). */
  public static SecretBytes random(int length, SecureRandom random) {
    if (length <= 0) {
      throw new IllegalArgumentException("length must be positive");
    }
    byte[] b = new byte[length];
    random.nextBytes(b);
    return new SecretBytes(b);
  }

  /** Copies {@code bytes}; the caller should zero its own array afterwards. */
  public static SecretBytes copyOf(byte[] bytes) {
    return new SecretBytes(bytes.clone());
  }

  public int length() {
    return bytes.length;
  }

  /** A copy of the secret. Every caller is a place where a secret is in the JVM: keep them few. */
  public byte[] unsafeCopy() {
    if (destroyed) {
      throw new IllegalStateException("secret was destroyed");
    }
    return bytes.clone();
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
    return "SecretBytes[<sensitive>]";
  }
}
