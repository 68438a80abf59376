package io.keygate.gateway.credentials;

import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.KekId;
import java.time.Instant;
import java.util.List;

/**
 * Where the cluster keeps which KEK each node issues new secrets under. {@link KekIssuers} adds the
 * rules.
 */
public interface KekIssuerReports {
  /**
   * Records that {@code nodeId} issues under {@code kek} as of {@code now}, and forgets every report
   * older than {@code forgetBefore}.
   */
  void report(String nodeId, KekId kek, Instant now, Instant forgetBefore) throws StoreException;

  /** Forgets {@code nodeId}'s report (the node stops issuing). */
  void withdraw(String nodeId) throws StoreException;

  /** The nodes that reported issuing under {@code kek} at or after {@code since}. */
  List<String> nodesIssuingUnder(KekId kek, Instant since) throws StoreException;
}
