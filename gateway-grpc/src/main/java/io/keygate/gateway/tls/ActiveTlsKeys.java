package io.keygate.gateway.tls;

import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.KeyLabel;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which HSM key each listener serves, over the whole cluster: written when an approved
 * activate-tls-key runs, read by every node's {@link TlsKeyFollower}. A listener without an
 * activated key serves the key its node's configuration names, so {@link #assignments} merges
 * both.
 */
public final class ActiveTlsKeys {
  private static final Duration FORGET_AFTER = Duration.ofDays(1);

  private final TlsKeyAssignments stored;
  private final Map<TlsListener, KeyLabel> configured;

  /**
   * @param stored the cluster's activations and served-key reports
   * @param configured the keys this node's configuration names (KEYGATE_TLS_KEY,
   *     KEYGATE_ADMIN_TLS_KEY), used until a listener's key has been activated
   */
  public ActiveTlsKeys(TlsKeyAssignments stored, Map<TlsListener, KeyLabel> configured) {
    this.stored = Objects.requireNonNull(stored, "stored");
    this.configured = Map.copyOf(configured);
  }

  /** The key each listener serves now: the activated one, else the configured one. */
  public Map<TlsListener, KeyLabel> assignments() throws StoreException {
    Map<TlsListener, KeyLabel> out = new EnumMap<>(TlsListener.class);
    out.putAll(configured);
    // A stored label that no longer parses is not among them: the node keeps what it serves
    // (TlsKeyFollower logs the mismatch).
    out.putAll(stored.activated());
    return out;
  }

  /**
   * Records what {@code nodeId} serves on {@code listener} now (its follower does, every poll),
   * and forgets nodes not heard of for a day.
   */
  public void reportServed(String nodeId, TlsListener listener, KeyLabel label, Instant now)
      throws StoreException {
    stored.reportServed(nodeId, listener, label, now, now.minus(FORGET_AFTER));
  }

  /**
   * Every key some listener may be serving: the assignments, and what any node reported serving
   * since {@code since} (a node that has not switched yet, or is configured differently).
   */
  public Set<KeyLabel> servedAnywhere(Instant since) throws StoreException {
    Set<KeyLabel> out = new HashSet<>(assignments().values());
    out.addAll(stored.reportedSince(since));
    return out;
  }

  /** Makes {@code label} the key of {@code listener} on every node (as they next poll). */
  public void activate(TlsListener listener, KeyLabel label, Instant at, String requestId)
      throws StoreException {
    stored.activate(listener, label, at, requestId);
  }
}
