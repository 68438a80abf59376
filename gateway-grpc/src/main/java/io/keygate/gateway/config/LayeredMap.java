package io.keygate.gateway.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable map made of a large base, shared by every snapshot built from it, and a small
 * layer of changes on top. Applying changes copies the layer, never the base, so a revoke among a
 * million credentials costs the size of the layer. When the layer outgrows a fraction of the base
 * it is folded into a new base: each change is copied a bounded number of times on average.
 */
final class LayeredMap<K, V> {
  /** The layer is folded into the base once it has more than this, or 1/16 of the base. */
  static final int MIN_FOLD = 1024;
  private static final Object REMOVED = new Object();

  private final Map<K, V> base;
  /** A value, or {@link #REMOVED}. */
  private final Map<K, Object> layer;
  private final int size;

  private LayeredMap(Map<K, V> base, Map<K, Object> layer, int size) {
    this.base = base;
    this.layer = layer;
    this.size = size;
  }

  /** A map over {@code base}, which the caller hands over and must not change afterwards. */
  static <K, V> LayeredMap<K, V> over(Map<K, V> base) {
    return new LayeredMap<>(base, Map.of(), base.size());
  }

  V get(K key) {
    Object v = layer.get(key);
    if (v == null) {
      return base.get(key);
    }
    @SuppressWarnings("unchecked")
    V value = v == REMOVED ? null : (V) v;
    return value;
  }

  int size() {
    return size;
  }

  /** Entries in the layer (for tests and metrics). */
  int layered() {
    return layer.size();
  }

  /** This map with {@code changes} applied: a present value puts, an empty one removes. */
  LayeredMap<K, V> with(Map<K, Optional<V>> changes) {
    if (changes.isEmpty()) {
      return this;
    }
    Map<K, Object> next = new HashMap<>(layer);
    int nextSize = size;
    for (Map.Entry<K, Optional<V>> change : changes.entrySet()) {
      K key = change.getKey();
      boolean had = get(key) != null;
      Optional<V> value = change.getValue();
      if (value.isPresent()) {
        next.put(key, value.get());
        nextSize += had ? 0 : 1;
      } else if (had || base.containsKey(key)) {
        next.put(key, REMOVED);
        nextSize -= had ? 1 : 0;
      } else {
        next.remove(key);
      }
    }
    if (next.size() > Math.max(MIN_FOLD, base.size() / 16)) {
      return new LayeredMap<>(fold(next), Map.of(), nextSize);
    }
    return new LayeredMap<>(base, next, nextSize);
  }

  private Map<K, V> fold(Map<K, Object> top) {
    Map<K, V> folded = new HashMap<>(base);
    for (Map.Entry<K, Object> e : top.entrySet()) {
      if (e.getValue() == REMOVED) {
        folded.remove(e.getKey());
      } else {
        @SuppressWarnings("unchecked")
        V value = (V) e.getValue();
        folded.put(e.getKey(), value);
      }
    }
    return folded;
  }
}
