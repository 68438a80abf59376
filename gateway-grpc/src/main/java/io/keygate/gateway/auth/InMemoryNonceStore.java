package io.keygate.gateway.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Nonces of one gateway process, each forgotten once its expiry has passed. Bounded: it holds at
 * most {@code capacity} live nonces. When full it fails closed ({@link
 * NonceStoreUnavailableException}, so the gateway answers UNAVAILABLE): refusing a new nonce as a
 * replay would blame the client for the gateway's limit, and accepting it unrecorded would open a
 * replay hole. Only requests with a valid signature reach the store, so filling it takes valid
 * credentials; size it at about peak requests per second times the window in seconds, times two
 * for clients whose clocks run ahead.
 *
 * <p>Each AccessKey may hold at most {@code perKeyShare} of those nonces, and all the keys of one
 * tenant together at most {@code perTenantShare}: a key that floods with valid calls fills its own
 * share, a tenant that floods with many keys fills the tenant's (their next calls get
 * NonceStoreUnavailable), while every other key and tenant keeps its room. Only authorized calls
 * reach the store (the gateway records a nonce after authorization), so nobody can fill it with
 * calls that are refused anyway.
 *
 * <p>What it keeps of a nonce is a keyed 128-bit fingerprint of the (AccessKey, nonce) pair
 * ({@link NonceFingerprints}) with its expiry, in flat arrays ({@link FingerprintTable}) and
 * grouped by the second it expires in ({@link ExpiryBuckets}): 83 bytes a live nonce measured at
 * a million, 200 at worst while the table doubles, and no object of its own, where a map of
 * records took 273 and gave the garbage collector five objects to copy for every signed call
 * (docs/operations.md). The AccessKeys and tenants with live nonces have one small object each,
 * for their counts; an AccessKey's counter stays with the tenant it was first counted under while
 * it has live nonces (an AccessKey belongs to one tenant).
 *
 * <p>One lock for everything: each call does O(1) work and the HSM verify before it costs far
 * more, so contention here is not the bottleneck.
 */
public final class InMemoryNonceStore implements NonceStore {
  private final Clock clock;
  private final int capacity;
  private final int perKeyShare;
  private final int perTenantShare;
  private final NonceFingerprints fingerprints;
  private final FingerprintTable<KeyCount> table = new FingerprintTable<>();
  private final ExpiryBuckets buckets = new ExpiryBuckets();
  private final Map<String, KeyCount> liveByKey = new HashMap<>();
  private final Map<String, TenantCount> liveByTenant = new HashMap<>();
  private final long[] fingerprint = new long[2];
  private long drainNow;
  private final ExpiryBuckets.Drain forgetIfExpired = this::forgetIfExpired;

  /** The live nonces of one AccessKey (of one tenant), while it has any. */
  private static final class KeyCount {
    final String accessKey;
    final TenantCount tenant;
    int live;

    KeyCount(String accessKey, TenantCount tenant) {
      this.accessKey = accessKey;
      this.tenant = tenant;
    }
  }

  /** The live nonces of all the keys of one tenant, while it has any. */
  private static final class TenantCount {
    final String tenantId;
    int live;

    TenantCount(String tenantId) {
      this.tenantId = tenantId;
    }
  }

  /** A store whose whole capacity one key may use (for a single-tenant node or tests). */
  public InMemoryNonceStore(Clock clock, int capacity) {
    this(clock, capacity, capacity);
  }

  /** A store whose whole capacity one tenant may use, within each key's share. */
  public InMemoryNonceStore(Clock clock, int capacity, int perKeyShare) {
    this(clock, capacity, perKeyShare, capacity);
  }

  /**
   * @param perKeyShare the most live nonces one AccessKey may hold, at most {@code capacity}
   * @param perTenantShare the most live nonces the keys of one tenant may hold together, at most
   *     {@code capacity}
   */
  public InMemoryNonceStore(Clock clock, int capacity, int perKeyShare, int perTenantShare) {
    this(clock, capacity, perKeyShare, perTenantShare, new NonceFingerprints(new SecureRandom()));
  }

  InMemoryNonceStore(
      Clock clock, int capacity, int perKeyShare, int perTenantShare, NonceFingerprints fingerprints) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    if (perKeyShare < 1 || perKeyShare > capacity) {
      throw new IllegalArgumentException("perKeyShare must be from 1 to the capacity");
    }
    if (perTenantShare < 1 || perTenantShare > capacity) {
      throw new IllegalArgumentException("perTenantShare must be from 1 to the capacity");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.capacity = capacity;
    this.perKeyShare = perKeyShare;
    this.perTenantShare = perTenantShare;
    this.fingerprints = Objects.requireNonNull(fingerprints, "fingerprints");
  }

  @Override
  public synchronized boolean recordIfFirstSeen(
      String tenantId, String accessKey, String nonce, Instant expiresAt)
      throws NonceStoreUnavailableException {
    long now = clock.millis();
    evictExpired(now, false);
    fingerprints.of(accessKey, nonce, fingerprint);
    long hi = fingerprint[0];
    long lo = fingerprint[1];
    int slot = table.find(hi, lo);
    if (slot != FingerprintTable.NONE && table.expiry(slot) >= now) {
      return false; // seen, and still live
    }
    long at = expiresAt.toEpochMilli();
    if (at < now) {
      return true; // already past its expiry: the timestamp check refuses any replay of it
    }
    if (slot != FingerprintTable.NONE) {
      // Seen once, but expired in this very second (not yet evicted): forget it, then record anew.
      forget(slot);
    }
    KeyCount key = liveByKey.get(accessKey);
    TenantCount tenant = key != null ? key.tenant : liveByTenant.get(tenantId);
    if (wouldExceed(key, tenant)) {
      // The limits count exactly the live nonces: drop those that expired in this second too.
      evictExpired(now, true);
      key = liveByKey.get(accessKey);
      tenant = key != null ? key.tenant : liveByTenant.get(tenantId);
      refuseIfFull(key, tenant);
    }
    if (tenant == null) {
      tenant = new TenantCount(tenantId);
      liveByTenant.put(tenantId, tenant);
    }
    if (key == null) {
      key = new KeyCount(accessKey, tenant);
      liveByKey.put(accessKey, key);
    }
    table.add(hi, lo, at, key);
    buckets.add(at, hi, lo);
    key.live++;
    tenant.live++;
    return true;
  }

  private boolean wouldExceed(KeyCount key, TenantCount tenant) {
    return (key != null && key.live >= perKeyShare)
        || (tenant != null && tenant.live >= perTenantShare)
        || table.size() >= capacity;
  }

  private void refuseIfFull(KeyCount key, TenantCount tenant) throws NonceStoreUnavailableException {
    if (key != null && key.live >= perKeyShare) {
      throw new NonceStoreUnavailableException(
          "this AccessKey's share of the nonce store is full (" + perKeyShare + " live nonces)");
    }
    if (tenant != null && tenant.live >= perTenantShare) {
      throw new NonceStoreUnavailableException(
          "this tenant's share of the nonce store is full (" + perTenantShare + " live nonces)");
    }
    if (table.size() >= capacity) {
      throw new NonceStoreUnavailableException(
          "in-memory nonce store is full (" + capacity + " live nonces)");
    }
  }

  /** Live nonces (after forgetting expired ones). */
  public synchronized int size() {
    evictExpired(clock.millis(), true);
    return table.size();
  }

  public int capacity() {
    return capacity;
  }

  /** Entries held now, expired or not (no eviction first): what the store costs in memory. */
  synchronized int held() {
    return table.size();
  }

  /** Fingerprints held in the expiry buckets now (no eviction first). */
  synchronized long bucketed() {
    return buckets.held();
  }

  // A nonce is live while now <= expiry: at the expiry instant a replay still passes the window.
  // Whole seconds before now's go at once; now's own second only when an exact count is needed.
  private void evictExpired(long now, boolean exact) {
    drainNow = now;
    buckets.drain(now, exact, forgetIfExpired);
  }

  private boolean forgetIfExpired(long hi, long lo) {
    int slot = table.find(hi, lo);
    if (slot == FingerprintTable.NONE) {
      return true; // forgotten already
    }
    if (table.expiry(slot) >= drainNow) {
      return false; // recorded again since, with a later expiry (it sits in that bucket too)
    }
    forget(slot);
    return true;
  }

  private void forget(int slot) {
    KeyCount key = table.owner(slot);
    table.remove(slot);
    if (--key.live == 0) {
      liveByKey.remove(key.accessKey);
    }
    if (--key.tenant.live == 0) {
      liveByTenant.remove(key.tenant.tenantId);
    }
  }

  @Override
  public String toString() {
    return "InMemoryNonceStore[" + table + ", capacity " + capacity + "]";
  }
}
