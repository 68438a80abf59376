package io.keygate.gateway.node;

import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.api.AdminServer;
import io.keygate.gateway.admin.api.AdminServerSettings;
import io.keygate.gateway.admin.api.AdminService;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.KekIssuers;
import io.keygate.gateway.credentials.WrappedIssuance;
import io.keygate.hsm.KekId;
import io.keygate.hsm.PayloadKeys;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.gateway.admin.api.AuditReading;
import io.keygate.gateway.admin.api.KeyControl;
import io.keygate.gateway.audit.AuditHeadSigner;
import io.keygate.gateway.audit.AuditHeadSink;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.tls.ActiveTlsKeys;
import io.keygate.gateway.tls.TlsKeyFollower;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.HsmToken;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a node's admin API in one place: the dual control and TLS key RPCs, the credential and
 * configuration RPCs, the audit reading, behind the mutual-TLS server. {@link NodeBuilder} uses it
 * for a node; the admin plane's tests use it with their own clock and audit log.
 */
public final class AdminPlane {
  private AdminPlane() {}

  /**
   * What the admin plane works on, all owned by the caller.
   *
   * @param audit where admin calls are recorded (a node's signs each record before answering)
   * @param auditHeads where signed heads are exported, for verify to check the database against
   * @param payloadKeys makes payload keys under {@code payloadKek} (empty: none are issued)
   * @param onConfigChanged runs after each configuration change (the node refreshes its own
   *     snapshot; other nodes follow within their poll interval)
   */
  public record Parts(
      HsmToken hsm,
      ConfigDatabase database,
      ConfigStore store,
      AdminPrincipals principals,
      AuditLog audit,
      AuditHeadSink auditHeads,
      ActiveTlsKeys activeTls,
      TlsKeyFollower tlsFollower,
      Clock clock,
      SecureRandom random,
      Optional<WrappedMacKeys> hierarchy,
      KekIssuers kekIssuers,
      Optional<PayloadKeys> payloadKeys,
      Optional<KekId> payloadKek,
      Runnable onConfigChanged) {

    /** New secrets are made in the HSM when the node has a hierarchy and a KEK to issue under. */
    Optional<WrappedIssuance> issuance() {
      return hierarchy.flatMap(keys -> kekIssuers.own().map(kek -> new WrappedIssuance(keys, kek)));
    }
  }

  /**
   * Starts the admin server on the key the cluster has activated for the admin listener, after
   * reporting the KEK it issues under (so no node destroys it from now on); the caller reports it
   * again every {@link KekIssuers#REPORT_INTERVAL} and withdraws it when the node stops.
   */
  public static AdminServer start(AdminPlaneSettings settings, Parts parts) throws Exception {
    parts.kekIssuers().report();
    KeyControl.Settings dualControl = new KeyControl.Settings(
        settings.approvalsRequired(), settings.approvalTtl(),
        Set.of(AuditHeadSigner.DEFAULT_KEY_LABEL));
    KeyControl keyControl = KeyControl.create(parts.database().approvals(), parts.database().quorumHistory(), parts.hsm(),
        parts.store(), parts.principals(), parts.activeTls(), parts.audit(), dualControl,
        parts.clock(), parts.random(), parts.onConfigChanged(), parts.tlsFollower()::pollQuietly,
        parts.hierarchy(), parts.kekIssuers());
    AdminService service = AdminService.create(parts.store(), issuer(parts), parts.principals(),
        parts.audit(),
        AuditReading.over(parts.database().auditChain(), parts.database().signedHeads(), parts.hsm(),
            parts.auditHeads()),
        keyControl, parts.database().payloadKeys(), parts.database().signatureRequirements(),
        parts.payloadKeys(), parts.payloadKek(), parts.clock(), parts.onConfigChanged());
    AdminServerSettings server = new AdminServerSettings(
        settings.server().listen(),
        parts.activeTls().assignments().get(TlsListener.ADMIN),
        settings.server().adminCas());
    AdminServer admin = AdminServer.start(server, parts.hsm(), service, parts.random());
    parts.tlsFollower().follow(TlsListener.ADMIN, admin.tlsKeys());
    return admin;
  }

  /** New secrets are made in the HSM, wrapped, when the node has a hierarchy and a KEK. */
  private static CredentialIssuer issuer(Parts parts) {
    CredentialIssuer issuer = new CredentialIssuer(parts.hsm(), parts.store(), parts.random());
    return parts.issuance()
        .map(w -> issuer.withHierarchy(w.keys(), w.issuingKek()))
        .orElse(issuer);
  }
}
