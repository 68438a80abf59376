package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.access.AdminIdentity;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.access.AdminRole;
import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.admin.access.OfficerQuorum;
import io.keygate.gateway.admin.access.QuorumHistory;
import io.keygate.gateway.approval.ApprovalRecords;
import io.keygate.gateway.approval.ApprovedOperations;
import io.keygate.gateway.approval.DualControl;
import io.keygate.gateway.approval.DualControlOperation;
import io.keygate.gateway.approval.DualControlRequest;
import io.keygate.gateway.approval.Officer;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.tls.ActiveTlsKeys;
import io.keygate.gateway.tls.TlsKeyInventory;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmToken;
import io.keygate.gateway.credentials.KekIssuers;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApproveRequest;
import io.keygate.proto.admin.v1.InstallTlsCertificateRequest;
import io.keygate.proto.admin.v1.ListApprovalsRequest;
import io.keygate.proto.admin.v1.ListApprovalsResponse;
import io.keygate.proto.admin.v1.ListTlsKeysResponse;
import io.keygate.proto.admin.v1.PrepareTlsKeyRequest;
import io.keygate.proto.admin.v1.RejectApprovalRequest;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.proto.admin.v1.TlsKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The admin API's dual-control and TLS key RPCs, once {@link AdminCalls} has allowed them:
 * requests become {@link DualControl} and {@link TlsKeyInventory} calls, results become
 * messages. The caller of an approval RPC is an {@link Officer}: the principal it acts as (so one
 * person's two certificates are one approver) and its audit name.
 */
public final class KeyControl {
  private static final int DEFAULT_VALIDITY_DAYS = 90;
  private static final int MAX_VALIDITY_DAYS = 825;

  /**
   * The settings of dual control.
   *
   * @param requiredApprovals M, 2..10 (KEYGATE_APPROVALS_REQUIRED)
   * @param ttl how long a request waits for approvals (KEYGATE_APPROVAL_TTL)
   * @param reservedKeys EC or other keys that must never be destroyed or served as TLS keys,
   *     e.g. the audit-signing key ({@code keygate.*} always are)
   */
  public record Settings(int requiredApprovals, Duration ttl, Set<KeyLabel> reservedKeys) {
    public Settings {
      reservedKeys = Set.copyOf(reservedKeys);
    }

    public static Settings defaults(Set<KeyLabel> reservedKeys) {
      return new Settings(2, DualControl.DEFAULT_TTL, reservedKeys);
    }
  }

  private final DualControl dualControl;
  private final TlsKeyInventory tls;
  private final OfficerQuorum quorum;

  KeyControl(DualControl dualControl, TlsKeyInventory tls, OfficerQuorum quorum) {
    this.dualControl = Objects.requireNonNull(dualControl, "dualControl");
    this.tls = Objects.requireNonNull(tls, "tls");
    this.quorum = Objects.requireNonNull(quorum, "quorum");
  }

  /**
   * Builds dual control and TLS key management over the stores and the token.
   *
   * @param approvals where dual-control requests and votes are kept
   * @param quorumHistory whether M officers have ever existed (closes the bootstrap window)
   * @param activeTls which key each listener serves
   * @param audit records each run of an approved operation
   * @param random makes request ids
   * @param onConfigChanged run after an approved operation changed the configuration
   * @param onTlsChanged run after a TLS key was activated, e.g. this node's {@code
   *     TlsKeyFollower::pollNow}
   * @param hierarchy the node's key hierarchy, for KEK rotation and destruction
   * @param kekIssuers which KEK this node and the others wrap new secrets under, which
   *     DestroyKek refuses
   */
  public static KeyControl create(
      ApprovalRecords approvals,
      QuorumHistory quorumHistory,
      HsmToken hsm,
      ConfigStore store,
      AdminPrincipals principals,
      ActiveTlsKeys activeTls,
      AuditLog audit,
      Settings settings,
      Clock clock,
      SecureRandom random,
      Runnable onConfigChanged,
      Runnable onTlsChanged,
      Optional<WrappedMacKeys> hierarchy,
      KekIssuers kekIssuers) {
    TlsKeyInventory tls = new TlsKeyInventory(hsm, activeTls, settings.reservedKeys(), clock);
    OfficerQuorum quorum =
        new OfficerQuorum(principals, quorumHistory, settings.requiredApprovals(), clock);
    ApprovedOperations operations = new ApprovedOperations(hsm, store, principals, quorum, tls,
        activeTls,
        settings.reservedKeys(), clock, onConfigChanged, onTlsChanged, hierarchy, kekIssuers);
    DualControl dualControl = new DualControl(
        approvals,
        operations,
        new DualControl.Officers() {
          @Override
          public int count() throws StoreException {
            return quorum.officers();
          }

          @Override
          public boolean isOfficer(String principal) throws StoreException {
            return principals.find(IdentityMatch.parse(principal))
                .filter(p -> p.role() == AdminRole.SECURITY_OFFICER)
                .isPresent();
          }
        },
        audit,
        failure -> AdminErrors.classify(failure).code(),
        clock,
        () -> randomUuid(random),
        settings.requiredApprovals(),
        settings.ttl());
    return new KeyControl(dualControl, tls, quorum);
  }

  /**
   * Whether adding or removing a security-officer must go through dual control: once M officers
   * have existed, for good. Before that (the bootstrap) the first officer changes the officers
   * alone; {@code principal list} shows who they were.
   */
  boolean officerChangeNeedsApproval() throws StoreException {
    return !quorum.bootstrapOpen();
  }

  /** After an officer was added alone: closes the window now if that made M. */
  void officerAdded() throws StoreException {
    quorum.bootstrapOpen();
  }

  // ---- dual control ----

  ApprovalRequest request(RequestApprovalRequest req, AdminCalls.Caller caller) throws Exception {
    DualControlOperation op = KeyControlMessages.operation(req.getOperation());
    if (op instanceof DualControlOperation.ActivateTlsKey a) {
      // Approvers approve this certificate; installing another one meanwhile fails the run.
      op = a.pinned(tls.leafSha256(a.label()));
    }
    DualControlRequest r = dualControl.request(op, req.getReason(), officer(caller));
    return KeyControlMessages.request(r);
  }

  ApprovalRequest approve(ApproveRequest req, AdminCalls.Caller caller) throws Exception {
    String requestId = AdminIdentityInterceptor.REQUEST_ID.get();
    return KeyControlMessages.request(
        dualControl.approve(req.getId(), officer(caller), requestId == null ? "-" : requestId));
  }

  ApprovalRequest reject(RejectApprovalRequest req, AdminCalls.Caller caller) throws Exception {
    return KeyControlMessages.request(dualControl.reject(req.getId(), officer(caller)));
  }

  ListApprovalsResponse list(ListApprovalsRequest req) throws Exception {
    ListApprovalsResponse.Builder b = ListApprovalsResponse.newBuilder();
    for (DualControlRequest r : dualControl.list(req.getIncludeClosed())) {
      b.addRequests(KeyControlMessages.request(r));
    }
    return b.build();
  }

  // ---- TLS keys ----

  TlsKey prepareTlsKey(PrepareTlsKeyRequest req) throws Exception {
    int days = req.getValidityDays() == 0 ? DEFAULT_VALIDITY_DAYS : req.getValidityDays();
    if (days < 1 || days > MAX_VALIDITY_DAYS) {
      throw AdminException.invalid("validity_days must be 1..825");
    }
    if (req.getDnsNamesCount() + req.getIpAddressesCount() == 0) {
      throw AdminException.invalid("a TLS certificate needs a DNS name or an IP address");
    }
    CertificateProfile profile;
    KeyLabel label;
    try {
      profile = new CertificateProfile(req.getCommonName(), req.getDnsNamesList(),
          req.getIpAddressesList(), Duration.ofDays(days));
      label = req.getLabel().isEmpty() ? null : KeyLabel.of(req.getLabel());
    } catch (IllegalArgumentException e) {
      throw AdminException.invalid(e.getMessage());
    }
    TlsKeyInventory.Prepared prepared = tls.prepare(label, profile);
    return KeyControlMessages.tlsKey(
            new TlsKeyInventory.Entry(prepared.label(), prepared.chain(), Set.of()))
        .toBuilder()
        .setCsrPem(KeyControlMessages.csrPem(prepared.csr()))
        .build();
  }

  TlsKey installTlsCertificate(InstallTlsCertificateRequest req) throws Exception {
    KeyLabel label;
    try {
      label = KeyLabel.of(req.getLabel());
    } catch (IllegalArgumentException e) {
      throw AdminException.invalid(e.getMessage());
    }
    return KeyControlMessages.tlsKey(
        tls.install(label, KeyControlMessages.chain(req.getCertificateChainPem())));
  }

  /** @throws TlsKeyException NOT_FOUND unless {@code label} can present a client certificate */
  void requireTlsClientKey(KeyLabel label) throws Exception {
    tls.usableKey(label);
  }

  ListTlsKeysResponse listTlsKeys() throws Exception {
    ListTlsKeysResponse.Builder b = ListTlsKeysResponse.newBuilder();
    List<TlsKeyInventory.Entry> keys = tls.list();
    for (TlsKeyInventory.Entry e : keys) {
      b.addKeys(KeyControlMessages.tlsKey(e));
    }
    return b.build();
  }

  private static Officer officer(AdminCalls.Caller caller) {
    AdminIdentity id = caller.identity();
    return new Officer(caller.principal().identity().toString(),
        id.subject() == null ? null : id.subject().value(), id.auditActor());
  }

  private static UUID randomUuid(SecureRandom random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (b[i] & 0xff);
      lo = (lo << 8) | (b[i + 8] & 0xff);
    }
    return new UUID(hi, lo);
  }
}
