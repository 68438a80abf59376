package io.keygate.gateway.approval;

import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.access.AdminRole;
import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.admin.access.OfficerQuorum;
import io.keygate.gateway.approval.DualControlOperation.ActivateTlsKey;
import io.keygate.gateway.approval.DualControlOperation.AddSecurityOfficer;
import io.keygate.gateway.approval.DualControlOperation.DestroyKek;
import io.keygate.gateway.approval.DualControlOperation.DestroyKey;
import io.keygate.gateway.approval.DualControlOperation.RemoveSecurityOfficer;
import io.keygate.gateway.approval.DualControlOperation.RevokeTenantCredentials;
import io.keygate.gateway.approval.DualControlOperation.RewrapCredentials;
import io.keygate.gateway.credentials.KekIssuers;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.WrappedSecretRejectedException;
import java.util.List;
import java.util.Optional;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.tls.ActiveTlsKeys;
import io.keygate.gateway.tls.TlsKeyInventory;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.KeyAdministration;
import io.keygate.hsm.KeyLabel;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What the dual-controlled operations do, and when they may not: a key the gateway itself needs
 * (or a CA key, or a TLS key any node serves) is never destroyed, nor the secret of a credential still live (revoke first, then destroy, two
 * visible steps); a TLS key is activated only with a certificate valid now; an officer is removed
 * only if one remains, and only if M remain unless the approvers accepted fewer; a KEK is
 * destroyed only when no stored credential is wrapped under it and this node does not issue under
 * it.
 */
public final class ApprovedOperations implements DualControl.Runner {
  private static final int REWRAP_BATCH = 500;
  /** How far a refusal counts the credentials still under a KEK, for the log. */
  private static final int KEK_USE_COUNT_LIMIT = 1000;
  private static final Logger LOG = System.getLogger("io.keygate.gateway.admin");

  private final KeyAdministration hsm;
  private final ConfigStore store;
  private final AdminPrincipals principals;
  private final OfficerQuorum quorum;
  private final TlsKeyInventory tls;
  private final ActiveTlsKeys activeTls;
  private final Set<KeyLabel> reserved;
  private final Clock clock;
  private final Runnable onConfigChanged;
  private final Runnable onTlsChanged;
  private final Optional<WrappedMacKeys> hierarchy;
  private final KekIssuers kekIssuers;
  /**
   * Rotations and destructions of KEKs run one at a time on this node: a rewrap into a KEK that a
   * destruction has just found unused would write blobs under a KEK about to go.
   */
  private final Object kekChanges = new Object();

  /**
   * @param reserved keys that must never be destroyed, besides {@code keygate.*} and served TLS
   *     keys (the audit-signing key)
   * @param onTlsChanged run after an activation, e.g. this node's {@code TlsKeyFollower} polling
   *     now (other nodes follow within their poll interval)
   * @param kekIssuers which KEK this node and every other wraps new secrets under (KEYGATE_KEK):
   *     never destroyed
   */
  public ApprovedOperations(KeyAdministration hsm, ConfigStore store, AdminPrincipals principals,
      OfficerQuorum quorum, TlsKeyInventory tls, ActiveTlsKeys activeTls, Set<KeyLabel> reserved, Clock clock,
      Runnable onConfigChanged, Runnable onTlsChanged, Optional<WrappedMacKeys> hierarchy,
      KekIssuers kekIssuers) {
    this.hsm = Objects.requireNonNull(hsm, "hsm");
    this.store = Objects.requireNonNull(store, "store");
    this.principals = Objects.requireNonNull(principals, "principals");
    this.quorum = Objects.requireNonNull(quorum, "quorum");
    this.tls = Objects.requireNonNull(tls, "tls");
    this.activeTls = Objects.requireNonNull(activeTls, "activeTls");
    this.reserved = Set.copyOf(reserved);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onConfigChanged = Objects.requireNonNull(onConfigChanged, "onConfigChanged");
    this.onTlsChanged = Objects.requireNonNull(onTlsChanged, "onTlsChanged");
    this.hierarchy = Objects.requireNonNull(hierarchy, "hierarchy");
    this.kekIssuers = Objects.requireNonNull(kekIssuers, "kekIssuers");
  }

  @Override
  public void check(DualControlOperation op) throws Exception {
    // (Java 17: no pattern matching in switch yet.)
    if (op instanceof DestroyKey d) {
      checkDestroy(d.label());
    } else if (op instanceof RevokeTenantCredentials r) {
      if (store.tenant(r.tenantId()).isEmpty()) {
        throw new StoreNotFoundException("no tenant " + r.tenantId());
      }
    } else if (op instanceof ActivateTlsKey a) {
      tls.checkActivatable(a.listener(), a.label(), a.certificateSha256());
    } else if (op instanceof AddSecurityOfficer o) {
      if (principals.find(IdentityMatch.parse(o.identity())).isPresent()) {
        throw new StoreConflictException(
            StoreConflictException.Kind.DUPLICATE, o.identity() + " is already a principal");
      }
    } else if (op instanceof RemoveSecurityOfficer r) {
      checkRemoveOfficer(r);
    } else if (op instanceof RewrapCredentials r) {
      checkRewrap(r);
    } else if (op instanceof DestroyKek k) {
      checkDestroyKek(k.kek());
    }
  }

  @Override
  public String run(DualControlOperation op, String approvalId) throws Exception {
    if (op instanceof DestroyKey d) {
      hsm.destroyKey(d.label());
      return "destroyed";
    } else if (op instanceof RevokeTenantCredentials r) {
      return revokeAll(r.tenantId());
    } else if (op instanceof ActivateTlsKey a) {
      return activate(a.listener(), a.label(), approvalId);
    } else if (op instanceof AddSecurityOfficer o) {
      principals.add(AdminPrincipal.officer(IdentityMatch.parse(o.identity())));
      quorum.bootstrapOpen(); // records that M exist, if this is the first time
      return "added officers=" + quorum.officers() + " required=" + quorum.required();
    } else if (op instanceof RemoveSecurityOfficer r) {
      // Close the window before the count can drop (a database that reached M before the record).
      quorum.bootstrapOpen();
      principals.remove(IdentityMatch.parse(r.identity()));
      int left = quorum.officers();
      if (left < quorum.required()) {
        LOG.log(Level.WARNING, "approval {0}: {1} security-officers remain, {2} approvals"
            + " required: no dual-controlled operation can run until officers are added",
            approvalId, left, quorum.required());
      }
      return "removed officers=" + left + " required=" + quorum.required()
          + (left < quorum.required() ? " BELOW-M" : "");
    } else if (op instanceof RewrapCredentials r) {
      synchronized (kekChanges) {
        checkRewrap(r); // the KEKs may have gone since the request
        return rewrapAll(r);
      }
    } else if (op instanceof DestroyKek k) {
      return destroyKek(k.kek());
    }
    throw new IllegalStateException("unknown operation " + op.kind());
  }

  // Checked when requested and again when it runs: two removals approved at once must not
  // together leave fewer than M (or no officer) unless each said so.
  private void checkRemoveOfficer(RemoveSecurityOfficer r) throws Exception {
    boolean isOfficer = principals.find(IdentityMatch.parse(r.identity()))
        .filter(p -> p.role() == AdminRole.SECURITY_OFFICER)
        .isPresent();
    if (!isOfficer) {
      throw new OperationRefusedException(
          OperationRefusedException.Reason.NOT_AN_OFFICER, r.identity() + " is not an officer");
    }
    int officers = quorum.officers();
    if (officers <= 1) {
      throw new OperationRefusedException(
          OperationRefusedException.Reason.LAST_OFFICER, "last officer " + r.identity());
    }
    if (officers - 1 < quorum.required() && !r.belowQuorum()) {
      throw new OperationRefusedException(OperationRefusedException.Reason.BELOW_QUORUM,
          "removing " + r.identity() + " leaves " + (officers - 1) + " of "
              + quorum.required() + " officers");
    }
  }

  private void checkDestroy(KeyLabel label) throws Exception {
    if (reserved.contains(label) || label.value().startsWith("keygate.")) {
      throw new OperationRefusedException(OperationRefusedException.Reason.KEY_PROTECTED, label + " is reserved");
    }
    if (hsm.describeKey(label).isEmpty()) {
      throw new OperationRefusedException(OperationRefusedException.Reason.KEY_NOT_FOUND, "no key " + label);
    }
    // The admin CA's key: officers' certificates depend on it. Retiring a CA is an offline,
    // break-glass step (keystore-admin keys destroy), not something two officers click through.
    if (tls.isCaKey(label)) {
      throw new OperationRefusedException(OperationRefusedException.Reason.KEY_PROTECTED, label + " is a CA key");
    }
    if (tls.isServed(label)) {
      throw new OperationRefusedException(OperationRefusedException.Reason.TLS_KEY_SERVED, label + " is a served TLS key");
    }
    Instant now = clock.instant();
    for (Credential c : store.credentialsWithSecret(label)) {
      if (c.stateAt(now) == Credential.State.ACTIVE) {
        throw new OperationRefusedException(
            OperationRefusedException.Reason.KEY_IN_USE, label + " holds the secret of live " + c.accessKey());
      }
    }
  }

  private void checkRewrap(RewrapCredentials r) throws Exception {
    if (hierarchy.isEmpty()) {
      throw new OperationRefusedException(OperationRefusedException.Reason.KEK_UNUSABLE,
          "this node has no key hierarchy open");
    }
    if (r.from().equals(r.to())) {
      throw new OperationRefusedException(OperationRefusedException.Reason.KEK_UNUSABLE,
          "rewrap from " + r.from() + " to itself");
    }
    for (KekId kek : List.of(r.from(), r.to())) {
      if (!hierarchy.get().hasKek(kek)) {
        throw new OperationRefusedException(OperationRefusedException.Reason.KEK_UNUSABLE,
            "the token holds no KEK " + kek);
      }
    }
  }

  /**
   * A KEK may go only when nothing needs it: no node issues under it (this one, or another that
   * reported so within {@link KekIssuers#REPORT_WINDOW}), and no credential row of any tenant
   * (live, expired or revoked) is wrapped under it. Checked in that order, so an issuing KEK is
   * refused as such even while it wraps nothing yet.
   */
  private void checkDestroyKek(KekId kek) throws Exception {
    if (hierarchy.isEmpty()) {
      throw new OperationRefusedException(OperationRefusedException.Reason.KEK_UNUSABLE,
          "this node has no key hierarchy open");
    }
    Optional<String> issuer = kekIssuers.issuerOf(kek);
    if (issuer.isPresent()) {
      throw new OperationRefusedException(OperationRefusedException.Reason.KEK_ISSUING,
          kek + " is the KEK " + issuer.get() + " issues new secrets under");
    }
    if (!hierarchy.get().hasKek(kek)) {
      throw new OperationRefusedException(OperationRefusedException.Reason.KEK_UNUSABLE,
          "the token holds no KEK " + kek);
    }
    if (!store.credentialsWrappedUnder(kek, "", 1).isEmpty()) {
      int named = store.credentialsWrappedUnder(kek, "", KEK_USE_COUNT_LIMIT).size();
      throw new OperationRefusedException(OperationRefusedException.Reason.KEK_IN_USE,
          kek + " still wraps the secret of " + (named >= KEK_USE_COUNT_LIMIT ? "at least " : "")
              + named + " credential(s): rewrap them first");
    }
  }

  /**
   * Checks once more and destroys, with nothing in between but the token call: the database
   * cannot lock "no row names this KEK" across the HSM, so the check and the destruction are
   * kept as close as they can be. A node that issued under the KEK in that gap (one configured
   * with the old KEYGATE_KEK) leaves a credential that no longer works: looked for afterwards,
   * logged, and counted in the audit record.
   */
  private String destroyKek(KekId kek) throws Exception {
    synchronized (kekChanges) {
      checkDestroyKek(kek);
      hierarchy.orElseThrow().destroyKek(kek);
    }
    List<Credential> orphaned = store.credentialsWrappedUnder(kek, "", KEK_USE_COUNT_LIMIT);
    if (orphaned.isEmpty()) {
      return "destroyed";
    }
    LOG.log(Level.ERROR, "KEK {0} destroyed, but {1} credential(s) were wrapped under it"
        + " meanwhile (first: {2}); they cannot authenticate: revoke them and issue new ones",
        kek, orphaned.size(), orphaned.get(0).accessKey());
    return "destroyed orphaned=" + orphaned.size();
  }

  /**
   * Rewraps row by row, each in its own write: every row is valid under one of the two KEKs at
   * every moment, so calls never fail and a crash loses nothing; approved again, a run goes on
   * with the rows still under {@code from}. A blob that does not unwrap is skipped and counted
   * (its credential cannot work anyway: revoke it). The result says how many rows still name the
   * old KEK: destroy it only at 0.
   */
  private String rewrapAll(RewrapCredentials r) throws Exception {
    WrappedMacKeys keys = hierarchy.orElseThrow();
    int moved = 0;
    int unusable = 0;
    String after = "";
    while (true) {
      List<Credential> batch = store.credentialsWrappedUnder(r.from(), after, REWRAP_BATCH);
      for (Credential c : batch) {
        after = c.accessKey();
        WrappedSecret rewrapped;
        try {
          rewrapped = keys.rewrap(c.wrapped(), r.to());
        } catch (WrappedSecretRejectedException damaged) {
          unusable++;
          LOG.log(Level.WARNING, "KEK rotation {0}: credential {1} does not unwrap, left under {2}",
              r.subject(), c.accessKey(), r.from());
          continue;
        }
        if (store.replaceWrappedSecret(c.accessKey(), c.wrapped(), rewrapped)) {
          moved++;
        }
      }
      if (batch.size() < REWRAP_BATCH) {
        break;
      }
    }
    refresh(onConfigChanged, "snapshot refresh");
    int remaining = store.credentialsWrappedUnder(r.from(), "", Integer.MAX_VALUE).size();
    return "rewrapped=" + moved + " remaining=" + remaining + " unusable=" + unusable;
  }

  private String revokeAll(String tenantId) throws Exception {
    int revoked = 0;
    for (Credential c : store.credentials(tenantId)) {
      if (!c.revoked()) {
        store.revokeCredential(tenantId, c.accessKey());
        revoked++;
      }
    }
    refresh(onConfigChanged, "snapshot refresh");
    return "revoked=" + revoked;
  }

  private String activate(TlsListener listener, KeyLabel label, String approvalId)
      throws Exception {
    String previous = String.valueOf(activeTls.assignments().get(listener));
    activeTls.activate(listener, label, clock.instant(), approvalId);
    refresh(onTlsChanged, "TLS key switch");
    return "previous=" + previous;
  }

  // The change is committed: the periodic poll picks it up if this nudge fails.
  private static void refresh(Runnable nudge, String what) {
    try {
      nudge.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "{0} after an approved operation failed: {1}", what, e.getMessage());
    }
  }
}
