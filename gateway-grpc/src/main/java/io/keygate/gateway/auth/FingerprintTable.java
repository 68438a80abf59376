package io.keygate.gateway.auth;

/**
 * A hash table of 128-bit fingerprints, each with an expiry and an owner, in flat arrays: open
 * addressing with linear probing, deletion by backward shift (no tombstones), doubled when half
 * full. A live entry costs no object of its own, so a store of millions of nonces gives the
 * garbage collector nothing to trace or copy but its owners, which are few. Not thread-safe.
 *
 * @param <O> the owner type (one object shared by many entries)
 */
final class FingerprintTable<O> {
  static final int NONE = -1;
  private static final int INITIAL_SLOTS = 1 << 10;

  private long[] high = new long[INITIAL_SLOTS];
  private long[] low = new long[INITIAL_SLOTS];
  private long[] expiry = new long[INITIAL_SLOTS];
  private Object[] owner = new Object[INITIAL_SLOTS];
  private int mask = INITIAL_SLOTS - 1;
  private int size;

  int size() {
    return size;
  }

  /** Slots in use, empty or not: what the table holds memory for. */
  int slots() {
    return high.length;
  }

  /** The slot of this fingerprint, or {@link #NONE}. */
  int find(long hi, long lo) {
    lo = nonEmpty(hi, lo);
    for (int i = home(hi); ; i = (i + 1) & mask) {
      if (isEmpty(i)) {
        return NONE;
      }
      if (high[i] == hi && low[i] == lo) {
        return i;
      }
    }
  }

  /** Adds a fingerprint that {@link #find} does not know. */
  void add(long hi, long lo, long expiresAt, O ownedBy) {
    if (2 * (size + 1) > high.length) {
      grow();
    }
    put(hi, nonEmpty(hi, lo), expiresAt, ownedBy);
    size++;
  }

  long expiry(int slot) {
    return expiry[slot];
  }

  @SuppressWarnings("unchecked")
  O owner(int slot) {
    return (O) owner[slot];
  }

  /** Empties a slot and moves later entries of its probe run back, so every lookup still ends. */
  void remove(int slot) {
    int hole = slot;
    for (int j = (hole + 1) & mask; !isEmpty(j); j = (j + 1) & mask) {
      // The entry at j may move back into the hole when it is at least as far from its home as
      // the hole is from j: its home is then not cyclically in (hole, j], and a lookup from its
      // home still reaches it without crossing the hole.
      if (((j - home(high[j])) & mask) >= ((j - hole) & mask)) {
        high[hole] = high[j];
        low[hole] = low[j];
        expiry[hole] = expiry[j];
        owner[hole] = owner[j];
        hole = j;
      }
    }
    high[hole] = 0;
    low[hole] = 0;
    owner[hole] = null;
    size--;
  }

  private void put(long hi, long lo, long expiresAt, O ownedBy) {
    int i = home(hi);
    while (!isEmpty(i)) {
      i = (i + 1) & mask;
    }
    high[i] = hi;
    low[i] = lo;
    expiry[i] = expiresAt;
    owner[i] = ownedBy;
  }

  private void grow() {
    long[] oldHigh = high;
    long[] oldLow = low;
    long[] oldExpiry = expiry;
    Object[] oldOwner = owner;
    int slots = oldHigh.length * 2;
    high = new long[slots];
    low = new long[slots];
    expiry = new long[slots];
    owner = new Object[slots];
    mask = slots - 1;
    for (int i = 0; i < oldHigh.length; i++) {
      if (oldHigh[i] != 0 || oldLow[i] != 0) {
        @SuppressWarnings("unchecked")
        O o = (O) oldOwner[i];
        put(oldHigh[i], oldLow[i], oldExpiry[i], o);
      }
    }
  }

  private boolean isEmpty(int i) {
    return high[i] == 0 && low[i] == 0;
  }

  /** Fingerprints are uniform (keyed hashes): their low bits need no mixing. */
  private int home(long hi) {
    return (int) hi & mask;
  }

  /** (0, 0) marks an empty slot: the one fingerprint that would look so is stored as (0, 1). */
  private static long nonEmpty(long hi, long lo) {
    return hi == 0 && lo == 0 ? 1 : lo;
  }

  @Override
  public String toString() {
    return "FingerprintTable[" + size + " of " + high.length + " slots]";
  }
}
