package io.keygate.gateway.approval;

import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.access.AdminRole;
import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.admin.access.OfficerQuorum;
import io.keygate.gateway.approval.DualControlOperation.ActivateTlsKey;
import io.keygate.gateway.approval.DualControlOperation.AddSecurityOfficer;
import io.keygate.gateway.approval.DualControlOperation.DestroyKey;
import io.keygate.gateway.approval.DualControlOperation.RemoveSecurityOfficer;
import io.keygate.gateway.approval.DualControlOperation.RevokeTenantCredentials;
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
 * only if one remains, and only if M remain unless the approvers accepted fewer.
 */
public final class ApprovedOperations implements DualControl.Runner {
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

  /**
   * @param reserved keys that must never be destroyed, besides {@code keygate.*} and served TLS
   *     keys (the audit-signing key)
   * @param onTlsChanged run after an activation, e.g. this node's {@code TlsKeyFollower} polling
   *     now (other nodes follow within their poll interval)
   */
  public ApprovedOperations(KeyAdministration hsm, ConfigStore store, AdminPrincipals principals,
      OfficerQuorum quorum, TlsKeyInventory tls, ActiveTlsKeys activeTls, Set<KeyLabel> reserved, Clock clock,
      Runnable onConfigChanged, Runnable onTlsChanged) {
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
