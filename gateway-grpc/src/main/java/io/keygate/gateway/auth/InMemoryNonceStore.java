package io.keygate.gateway.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

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
 * <p>One lock for everything: each call does O(log n) work and the HSM verify before it costs far
 * more, so contention here is not the bottleneck.
 */
public final class InMemoryNonceStore implements NonceStore {
  private final Clock clock;
  private final int capacity;
  private final int perKeyShare;
  private final int perTenantShare;
  private final Map<Seen, Long> expiryBySeen = new HashMap<>();
  private final Map<String, Integer> liveByKey = new HashMap<>();
  private final Map<String, Integer> liveByTenant = new HashMap<>();
  private final PriorityQueue<Expiry> byExpiry = new PriorityQueue<>();

  private record Seen(String accessKey, String nonce) {}

  private record Expiry(long atMillis, Seen seen, String tenantId) implements Comparable<Expiry> {
    @Override
    public int compareTo(Expiry other) {
      return Long.compare(atMillis, other.atMillis);
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
  }

  @Override
  public synchronized boolean recordIfFirstSeen(
      String tenantId, String accessKey, String nonce, Instant expiresAt)
      throws NonceStoreUnavailableException {
    long now = clock.millis();
    evictExpired(now);
    Seen seen = new Seen(accessKey, nonce);
    if (expiryBySeen.containsKey(seen)) {
      return false; // everything still here is live
    }
    long at = expiresAt.toEpochMilli();
    if (at < now) {
      return true; // already past its expiry: the timestamp check refuses any replay of it
    }
    int held = liveByKey.getOrDefault(accessKey, 0);
    if (held >= perKeyShare) {
      throw new NonceStoreUnavailableException(
          "this AccessKey's share of the nonce store is full (" + perKeyShare + " live nonces)");
    }
    int heldByTenant = liveByTenant.getOrDefault(tenantId, 0);
    if (heldByTenant >= perTenantShare) {
      throw new NonceStoreUnavailableException(
          "this tenant's share of the nonce store is full (" + perTenantShare + " live nonces)");
    }
    if (expiryBySeen.size() >= capacity) {
      throw new NonceStoreUnavailableException(
          "in-memory nonce store is full (" + capacity + " live nonces)");
    }
    expiryBySeen.put(seen, at);
    liveByKey.put(accessKey, held + 1);
    liveByTenant.put(tenantId, heldByTenant + 1);
    byExpiry.add(new Expiry(at, seen, tenantId));
    return true;
  }

  /** Live nonces (after forgetting expired ones). */
  public synchronized int size() {
    evictExpired(clock.millis());
    return expiryBySeen.size();
  }

  public int capacity() {
    return capacity;
  }

  // A nonce is live while now <= expiry: at the expiry instant a replay still passes the window.
  private void evictExpired(long now) {
    for (Expiry head = byExpiry.peek(); head != null && head.atMillis() < now; head = byExpiry.peek()) {
      byExpiry.poll();
      expiryBySeen.remove(head.seen());
      liveByKey.computeIfPresent(head.seen().accessKey(), (k, n) -> n == 1 ? null : n - 1);
      liveByTenant.computeIfPresent(head.tenantId(), (t, n) -> n == 1 ? null : n - 1);
    }
  }
}
