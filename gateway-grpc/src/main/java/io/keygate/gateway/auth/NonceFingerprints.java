package io.keygate.gateway.auth;

import java.security.SecureRandom;

/**
 * A 128-bit keyed fingerprint of an (AccessKey, nonce) pair: what {@link InMemoryNonceStore}
 * remembers instead of the two strings. Two SipHash-2-4 values under two independent random
 * 128-bit keys of this process, over an injective encoding of the pair (the AccessKey's length,
 * then both strings as UTF-16 code units). Keyed, so nobody outside the process can choose
 * pairs whose fingerprints collide; 128 bits, so that even a million live nonces collide by
 * chance with a probability near 2^-89. A collision could only make a fresh nonce look like a
 * replay (a refusal), never let a replay through.
 *
 * <p>Thread-safe: it holds nothing but its keys.
 */
final class NonceFingerprints {
  private final long k0;
  private final long k1;
  private final long k2;
  private final long k3;

  NonceFingerprints(SecureRandom random) {
    this(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
  }

  NonceFingerprints(long k0, long k1, long k2, long k3) {
    this.k0 = k0;
    this.k1 = k1;
    this.k2 = k2;
    this.k3 = k3;
  }

  /** The fingerprint's two halves, written to {@code out[0]} and {@code out[1]}. */
  void of(String accessKey, String nonce, long[] out) {
    byte[] bytes = encoded(accessKey, nonce);
    out[0] = sipHash24(k0, k1, bytes, bytes.length);
    out[1] = sipHash24(k2, k3, bytes, bytes.length);
  }

  /** The AccessKey's length (4 bytes), then both strings' UTF-16 code units, little-endian. */
  static byte[] encoded(String accessKey, String nonce) {
    byte[] bytes = new byte[4 + 2 * (accessKey.length() + nonce.length())];
    for (int b = 0; b < 4; b++) {
      bytes[b] = (byte) (accessKey.length() >>> (8 * b));
    }
    put(nonce, bytes, put(accessKey, bytes, 4));
    return bytes;
  }

  private static int put(String s, byte[] bytes, int at) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      bytes[at++] = (byte) c;
      bytes[at++] = (byte) (c >>> 8);
    }
    return at;
  }

  /** SipHash-2-4 with a 64-bit result (Aumasson and Bernstein, 2012) of the first {@code length} bytes. */
  static long sipHash24(long key0, long key1, byte[] data, int length) {
    long[] v = {
      key0 ^ 0x736f6d6570736575L, key1 ^ 0x646f72616e646f6dL,
      key0 ^ 0x6c7967656e657261L, key1 ^ 0x7465646279746573L
    };
    int whole = length & ~7;
    for (int i = 0; i < whole; i += 8) {
      compress(v, littleEndian(data, i, 8), 2);
    }
    compress(v, ((long) length << 56) | littleEndian(data, whole, length - whole), 2);
    v[2] ^= 0xff;
    rounds(v, 4);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
  }

  private static void compress(long[] v, long m, int count) {
    v[3] ^= m;
    rounds(v, count);
    v[0] ^= m;
  }

  private static void rounds(long[] v, int count) {
    for (int r = 0; r < count; r++) {
      v[0] += v[1];
      v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
      v[0] = Long.rotateLeft(v[0], 32);
      v[2] += v[3];
      v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
      v[0] += v[3];
      v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
      v[2] += v[1];
      v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
      v[2] = Long.rotateLeft(v[2], 32);
    }
  }

  private static long littleEndian(byte[] data, int from, int count) {
    long value = 0;
    for (int i = count - 1; i >= 0; i--) {
      value = (value << 8) | (data[from + i] & 0xffL);
    }
    return value;
  }

  @Override
  public String toString() {
    return "NonceFingerprints[SipHash-2-4 x 2, keys not shown]";
  }
}
