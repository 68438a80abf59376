package io.keygate.gateway.auth;

import java.util.Map;
import java.util.TreeMap;

/**
 * The fingerprints of {@link FingerprintTable} grouped by the second in which they expire, so that
 * expired ones are found without scanning the table: one bucket object a second, none a nonce.
 * A bucket may name a fingerprint the table no longer holds, or holds with a later expiry (a
 * nonce recorded again after it expired): whoever empties a bucket checks each against the
 * table. Not thread-safe.
 */
final class ExpiryBuckets {
  private final TreeMap<Long, Bucket> bySecond = new TreeMap<>();
  private long lastSecond = Long.MIN_VALUE;
  private Bucket last;

  /** What a drained fingerprint is handed to. */
  interface Drain {
    /** @return whether to forget the fingerprint (false keeps it in its bucket) */
    boolean expired(long hi, long lo);
  }

  void add(long expiresAtMillis, long hi, long lo) {
    long second = Math.floorDiv(expiresAtMillis, 1000);
    if (second != lastSecond) {
      last = bySecond.computeIfAbsent(second, s -> new Bucket());
      lastSecond = second;
    }
    last.add(hi, lo);
  }

  /**
   * Hands every fingerprint of the seconds before {@code nowMillis}'s to {@code drain} and drops
   * those buckets; with {@code thisSecondToo}, also the current second's bucket, keeping there
   * what the drain does not forget.
   */
  void drain(long nowMillis, boolean thisSecondToo, Drain drain) {
    long now = Math.floorDiv(nowMillis, 1000);
    for (Map.Entry<Long, Bucket> first = bySecond.firstEntry();
        first != null && first.getKey() <= now;
        first = bySecond.higherEntry(first.getKey())) {
      boolean past = first.getKey() < now;
      if (!past && !thisSecondToo) {
        return;
      }
      Bucket bucket = first.getValue();
      bucket.keepOnly(drain);
      if (past) {
        // No add can come for this second again (a nonce already expired is never recorded), so
        // the cached last bucket, if it was this one, is never written to again.
        bySecond.remove(first.getKey());
      }
    }
  }

  /** Fingerprints held in all buckets: what they cost in memory (16 bytes each). */
  long held() {
    long held = 0;
    for (Bucket bucket : bySecond.values()) {
      held += bucket.used / 2;
    }
    return held;
  }

  @Override
  public String toString() {
    return "ExpiryBuckets[" + bySecond.size() + " seconds]";
  }

  private static final class Bucket {
    private long[] pairs = new long[16];
    private int used;

    void add(long hi, long lo) {
      if (used == pairs.length) { // used and the length are both even
        pairs = java.util.Arrays.copyOf(pairs, pairs.length * 2);
      }
      pairs[used++] = hi;
      pairs[used++] = lo;
    }

    void keepOnly(Drain drain) {
      int kept = 0;
      for (int i = 0; i < used; i += 2) {
        if (!drain.expired(pairs[i], pairs[i + 1])) {
          pairs[kept++] = pairs[i];
          pairs[kept++] = pairs[i + 1];
        }
      }
      used = kept;
    }
  }
}
