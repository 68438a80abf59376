package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedSecret;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The handles of secrets unwrapped into session objects, least recently used first out, at most
 * {@code capacity} of them (SoftHSM keeps about 8.5 KB of native memory per live object).
 *
 * <ul>
 *   <li>One unwrap in flight per secret: concurrent first calls of one cold secret wait for the
 *       one unwrap.
 *   <li>A handle is never destroyed while a call uses it: an evicted entry is destroyed by its
 *       last user. Otherwise a library that reuses handles could hand a verify another key.
 *   <li>A handle the token says is invalid is forgotten ({@link Lease#invalidate()}), so the
 *       caller's one retry unwraps again.
 * </ul>
 *
 * <p>The token calls themselves are the caller's ({@link TokenOps}), bound to the session the
 * caller holds; this class only keeps the books.
 */
final class UnwrappedKeyCache {
  /** The token calls the cache needs, on the caller's session. */
  interface TokenOps {
    long unwrap(WrappedSecret secret) throws HsmException;

    /** Best effort: a handle that cannot be destroyed is gone with the session at the latest. */
    void destroy(long handle);
  }

  /** One use of one cached handle; {@link #close()} ends it. */
  interface Lease extends AutoCloseable {
    long handle();

    /** The token said the handle is invalid: forget it, so the next acquire unwraps again. */
    void invalidate();

    @Override
    void close();
  }

  private final int capacity;
  private final LinkedHashMap<WrappedSecret, Entry> entries;
  private long unwraps;

  UnwrappedKeyCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the unwrapped-key cache needs room for one key");
    }
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  Lease acquire(WrappedSecret secret, TokenOps ops) throws HsmException {
    Entry entry;
    List<Long> doomed;
    synchronized (this) {
      entry = entries.get(secret);
      if (entry == null) {
        entry = new Entry(secret);
        entries.put(secret, entry);
      }
      entry.users++;
      doomed = evictOverflow();
    }
    destroyAll(doomed, ops);
    try {
      synchronized (entry.unwrapping) {
        if (handleOf(entry) == 0) {
          long handle = ops.unwrap(secret);
          synchronized (this) {
            entry.handle = handle;
            unwraps++;
          }
        }
      }
    } catch (HsmException | RuntimeException e) {
      release(entry, ops, true);
      throw e;
    }
    return new EntryLease(entry, ops);
  }

  /** Entries held now, in use or not. */
  synchronized int size() {
    return entries.size();
  }

  /** Unwraps done since start: the cache's misses. */
  synchronized long unwraps() {
    return unwraps;
  }

  int capacity() {
    return capacity;
  }

  /**
   * Forgets every key unwrapped under {@code kek} (the KEK was destroyed) and returns the handles
   * no call uses, for the caller to destroy; a handle in use is destroyed by its last user.
   */
  synchronized List<Long> removeUnder(KekId kek) {
    List<Long> idle = new ArrayList<>();
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (!e.secret.kek().equals(kek)) {
        continue;
      }
      it.remove();
      e.evicted = true;
      if (e.users == 0 && e.handle != 0) {
        idle.add(e.handle);
        e.handle = 0;
      }
    }
    return idle;
  }

  /** Forgets every handle (the sessions that held them are closing). */
  synchronized void clear() {
    for (Entry e : entries.values()) {
      e.evicted = true;
      e.handle = 0;
    }
    entries.clear();
  }

  private synchronized long handleOf(Entry entry) {
    return entry.handle;
  }

  private List<Long> evictOverflow() {
    List<Long> doomed = List.of();
    Iterator<Map.Entry<WrappedSecret, Entry>> it = entries.entrySet().iterator();
    while (entries.size() > capacity && it.hasNext()) {
      Entry eldest = it.next().getValue();
      it.remove();
      eldest.evicted = true;
      if (eldest.users == 0 && eldest.handle != 0) {
        if (doomed.isEmpty()) {
          doomed = new ArrayList<>();
        }
        doomed.add(eldest.handle);
        eldest.handle = 0;
      }
    }
    return doomed;
  }

  private void release(Entry entry, TokenOps ops, boolean failedUnwrap) {
    long doomed = 0;
    synchronized (this) {
      entry.users--;
      if (failedUnwrap && entry.handle == 0 && entry.users == 0 && !entry.evicted) {
        entries.remove(entry.secret, entry);
        entry.evicted = true;
      }
      if (entry.evicted && entry.users == 0 && entry.handle != 0) {
        doomed = entry.handle;
        entry.handle = 0;
      }
    }
    if (doomed != 0) {
      ops.destroy(doomed);
    }
  }

  private static void destroyAll(List<Long> handles, TokenOps ops) {
    for (long h : handles) {
      ops.destroy(h);
    }
  }

  private synchronized void invalidate(Entry entry) {
    entry.handle = 0;
  }

  private static final class Entry {
    final WrappedSecret secret;
    final Object unwrapping = new Object();
    long handle; // guarded by the cache; 0 = not unwrapped
    int users; // guarded by the cache
    boolean evicted; // guarded by the cache

    Entry(WrappedSecret secret) {
      this.secret = secret;
    }
  }

  private final class EntryLease implements Lease {
    private final Entry entry;
    private final TokenOps ops;
    private boolean closed;

    EntryLease(Entry entry, TokenOps ops) {
      this.entry = entry;
      this.ops = ops;
    }

    @Override
    public long handle() {
      return handleOf(entry);
    }

    @Override
    public void invalidate() {
      UnwrappedKeyCache.this.invalidate(entry);
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release(entry, ops, false);
      }
    }
  }
}
