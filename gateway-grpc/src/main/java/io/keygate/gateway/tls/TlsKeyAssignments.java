package io.keygate.gateway.tls;

import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.KeyLabel;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Where the cluster keeps which HSM key each listener serves: the keys activated (by an approved
 * activate-tls-key) and what each node reports serving. {@link ActiveTlsKeys} adds the rules.
 */
public interface TlsKeyAssignments {

  /**
   * The activated key of each listener that has one. A stored label that no longer parses is left
   * out, so the node keeps what it serves.
   */
  Map<TlsListener, KeyLabel> activated() throws StoreException;

  /** Makes {@code label} the key of {@code listener}, replacing any activated before. */
  void activate(TlsListener listener, KeyLabel label, Instant at, String requestId)
      throws StoreException;

  /**
   * Records that {@code nodeId} serves {@code label} on {@code listener} as of {@code now}, and
   * forgets every report older than {@code forgetBefore}.
   */
  void reportServed(
      String nodeId, TlsListener listener, KeyLabel label, Instant now, Instant forgetBefore)
      throws StoreException;

  /** Every key some node reported serving at or after {@code since}. */
  Set<KeyLabel> reportedSince(Instant since) throws StoreException;
}
