package io.keygate.gateway.dataplane;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request id of each call the node takes: it goes to the client (x-keygate-request-id), to the
 * backend (x-keygate-request-id) and into every log line about the call. Unique per node: a
 * random prefix drawn once, when the node starts, and a sequence number put through a bijection
 * of 64-bit numbers (SplitMix64's finaliser), so no two calls of a node share an id, and ids do
 * not read as a count of the calls the node served between two of a client's own. Nothing trusts
 * a request id (it only correlates), so it need not be unguessable.
 *
 * <p>Why not {@code UUID.randomUUID()}: every call would draw from the JDK's SecureRandom, which
 * takes one lock for every thread and hashes each draw, on the transport's event loops.
 */
public final class RequestIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int HEX_DIGITS = 16;

  private final char[] prefix;
  private final AtomicLong sequence = new AtomicLong();

  /** @param random draws the node's prefix (a SecureRandom in production) */
  public RequestIds(Random random) {
    char[] p = new char[HEX_DIGITS + 1];
    writeHex(random.nextLong(), p, 0);
    p[HEX_DIGITS] = '-';
    this.prefix = p;
  }

  /** A new id: 16 hex digits of the node's prefix, '-', 16 hex digits. */
  public String next() {
    char[] id = new char[prefix.length + HEX_DIGITS];
    System.arraycopy(prefix, 0, id, 0, prefix.length);
    writeHex(scramble(sequence.incrementAndGet()), id, prefix.length);
    return new String(id);
  }

  /** A bijection: each step (xor-shift, multiplication by an odd number) can be undone. */
  private static long scramble(long n) {
    long z = n;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static void writeHex(long value, char[] into, int from) {
    for (int i = HEX_DIGITS - 1; i >= 0; i--) {
      into[from + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }
}
