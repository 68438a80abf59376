package io.keygate.gateway.credentials;

import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.KekId;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which KEK new secrets are wrapped under, over the whole cluster: this node's ({@code
 * KEYGATE_KEK}), reported to the store before its admin plane issues anything and every {@link
 * #REPORT_INTERVAL} after, and every other node's report. A KEK some node issues under must not be
 * destroyed: its next credential would not authenticate.
 *
 * <p>A report counts for {@link #REPORT_WINDOW}: a node that stopped cleanly withdraws its report
 * at once; one that was killed stops counting a minute later. A node that cannot reach the store
 * to report cannot store a credential either, so a report missing for that reason hides no
 * issuance.
 */
public final class KekIssuers {
  public static final Duration REPORT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration REPORT_WINDOW = Duration.ofMinutes(1);
  private static final Duration FORGET_AFTER = Duration.ofDays(1);
  private static final Logger LOG = System.getLogger("io.keygate.gateway.admin");

  private final KekIssuerReports stored;
  private final String nodeId;
  private final Optional<KekId> own;
  private final Clock clock;

  /**
   * @param nodeId this node's id for this run
   * @param own the KEK this node issues under, if it issues wrapped secrets
   */
  public KekIssuers(KekIssuerReports stored, String nodeId, Optional<KekId> own, Clock clock) {
    this.stored = Objects.requireNonNull(stored, "stored");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.own = Objects.requireNonNull(own, "own");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The KEK this node wraps new secrets under, if any. */
  public Optional<KekId> own() {
    return own;
  }

  /** Records this node's KEK as of now (nothing when it has none). */
  public void report() throws StoreException {
    if (own.isPresent()) {
      Instant now = clock.instant();
      stored.report(nodeId, own.get(), now, now.minus(FORGET_AFTER));
    }
  }

  /** {@link #report}, logging a failure instead of throwing (the scheduled report). */
  public void reportQuietly() {
    try {
      report();
    } catch (StoreException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot report the issuing KEK to the store: {0}", e.getMessage());
    }
  }

  /** Forgets this node's report: it issues no more (the node stops). */
  public void withdraw() throws StoreException {
    if (own.isPresent()) {
      stored.withdraw(nodeId);
    }
  }

  /**
   * Who issues under {@code kek}, if anyone: this node, or the nodes that reported it within
   * {@link #REPORT_WINDOW}.
   */
  public Optional<String> issuerOf(KekId kek) throws StoreException {
    if (own.filter(kek::equals).isPresent()) {
      return Optional.of("this node (KEYGATE_KEK)");
    }
    List<String> nodes =
        stored.nodesIssuingUnder(kek, clock.instant().minus(REPORT_WINDOW));
    if (nodes.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(nodes.size() == 1 ? "node " + nodes.get(0)
        : nodes.size() + " nodes (" + String.join(", ", nodes) + ")");
  }
}
