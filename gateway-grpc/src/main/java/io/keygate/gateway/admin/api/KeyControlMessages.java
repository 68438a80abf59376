package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.access.IdentityMatch;

import io.keygate.gateway.approval.ApprovalVote;
import io.keygate.gateway.approval.DualControlOperation;
import io.keygate.gateway.approval.DualControlRequest;
import io.keygate.gateway.tls.TlsKeyInventory;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.admin.v1.ActivateTlsKey;
import io.keygate.proto.admin.v1.AddSecurityOfficer;
import io.keygate.proto.admin.v1.RemoveSecurityOfficer;
import io.keygate.proto.admin.v1.Approval;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.DestroyKey;
import io.keygate.proto.admin.v1.RevokeTenantCredentials;
import io.keygate.proto.admin.v1.TlsKey;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/** Dual-control and TLS key values to and from their admin API messages. */
final class KeyControlMessages {
  private static final int MAX_CHAIN_PEM = 64 * 1024;
  private static final int MAX_CHAIN_LENGTH = 10;
  // RFC 2253 knows no keyword for serialNumber, which carries the key label in our subjects.
  private static final Map<String, String> NAMES = Map.of("2.5.4.5", "SERIALNUMBER");

  private KeyControlMessages() {}

  static DualControlOperation operation(io.keygate.proto.admin.v1.DualControlOperation op)
      throws AdminException {
    try {
      return switch (op.getOperationCase()) {
        case DESTROY_KEY -> new DualControlOperation.DestroyKey(
            KeyLabel.of(op.getDestroyKey().getLabel()));
        case REVOKE_TENANT_CREDENTIALS -> new DualControlOperation.RevokeTenantCredentials(
            op.getRevokeTenantCredentials().getTenantId());
        case ACTIVATE_TLS_KEY -> new DualControlOperation.ActivateTlsKey(
            listener(op.getActivateTlsKey().getListener()),
            KeyLabel.of(op.getActivateTlsKey().getLabel()),
            null); // the server pins the certificate, not the caller
        case ADD_SECURITY_OFFICER -> new DualControlOperation.AddSecurityOfficer(
            officerIdentity(op.getAddSecurityOfficer()).toString());
        case REMOVE_SECURITY_OFFICER -> new DualControlOperation.RemoveSecurityOfficer(
            removedIdentity(op.getRemoveSecurityOfficer()).toString(),
            op.getRemoveSecurityOfficer().getAllowBelowQuorum());
        case REWRAP_CREDENTIALS -> new DualControlOperation.RewrapCredentials(
            KekId.of(op.getRewrapCredentials().getFromKek()),
            KekId.of(op.getRewrapCredentials().getToKek()));
        case DESTROY_KEK -> new DualControlOperation.DestroyKek(
            KekId.of(op.getDestroyKek().getKekId()));
        case OPERATION_NOT_SET -> throw AdminException.invalid("no operation");
      };
    } catch (IllegalArgumentException e) {
      throw AdminException.invalid(e.getMessage());
    }
  }

  private static IdentityMatch officerIdentity(AddSecurityOfficer o) throws AdminException {
    return AdminMessages.identity(
        o.getIdentityCase() == AddSecurityOfficer.IdentityCase.SUBJECT,
        o.getIdentityCase() == AddSecurityOfficer.IdentityCase.CERTIFICATE_SHA256,
        o.getSubject(),
        o.getCertificateSha256());
  }

  private static IdentityMatch removedIdentity(RemoveSecurityOfficer o) throws AdminException {
    return AdminMessages.identity(
        o.getIdentityCase() == RemoveSecurityOfficer.IdentityCase.SUBJECT,
        o.getIdentityCase() == RemoveSecurityOfficer.IdentityCase.CERTIFICATE_SHA256,
        o.getSubject(),
        o.getCertificateSha256());
  }

  static TlsListener listener(String name) throws AdminException {
    return TlsListener.fromWireName(name)
        .orElseThrow(() -> AdminException.invalid("listener must be ingress or admin"));
  }

  static io.keygate.proto.admin.v1.DualControlOperation operation(DualControlOperation op) {
    var b = io.keygate.proto.admin.v1.DualControlOperation.newBuilder();
    if (op instanceof DualControlOperation.DestroyKey d) {
      b.setDestroyKey(DestroyKey.newBuilder().setLabel(d.label().value()));
    } else if (op instanceof DualControlOperation.RevokeTenantCredentials r) {
      b.setRevokeTenantCredentials(RevokeTenantCredentials.newBuilder().setTenantId(r.tenantId()));
    } else if (op instanceof DualControlOperation.RewrapCredentials r) {
      b.setRewrapCredentials(io.keygate.proto.admin.v1.RewrapCredentials.newBuilder()
          .setFromKek(r.from().value()).setToKek(r.to().value()));
    } else if (op instanceof DualControlOperation.DestroyKek k) {
      b.setDestroyKek(io.keygate.proto.admin.v1.DestroyKek.newBuilder().setKekId(k.kek().value()));
    } else if (op instanceof DualControlOperation.ActivateTlsKey a) {
      ActivateTlsKey.Builder activate = ActivateTlsKey.newBuilder()
          .setListener(a.listener().wireName())
          .setLabel(a.label().value());
      if (a.certificateSha256() != null) {
        activate.setCertificateSha256(a.certificateSha256());
      }
      b.setActivateTlsKey(activate);
    } else if (op instanceof DualControlOperation.AddSecurityOfficer o) {
      IdentityMatch id = IdentityMatch.parse(o.identity());
      b.setAddSecurityOfficer(id.kind() == IdentityMatch.Kind.SUBJECT
          ? AddSecurityOfficer.newBuilder().setSubject(id.value())
          : AddSecurityOfficer.newBuilder().setCertificateSha256(id.value()));
    } else if (op instanceof DualControlOperation.RemoveSecurityOfficer o) {
      IdentityMatch id = IdentityMatch.parse(o.identity());
      RemoveSecurityOfficer.Builder remove = id.kind() == IdentityMatch.Kind.SUBJECT
          ? RemoveSecurityOfficer.newBuilder().setSubject(id.value())
          : RemoveSecurityOfficer.newBuilder().setCertificateSha256(id.value());
      b.setRemoveSecurityOfficer(remove.setAllowBelowQuorum(o.belowQuorum()));
    }
    return b.build();
  }

  static ApprovalRequest request(DualControlRequest r) {
    ApprovalRequest.Builder b = ApprovalRequest.newBuilder()
        .setId(r.id())
        .setOperation(operation(r.operation()))
        .setSummary(r.operation().summary())
        .setReason(r.reason())
        .setRequestedBy(r.requestedBy().actor())
        .setRequestedAt(AdminMessages.timestamp(r.requestedAt()))
        .setExpiresAt(AdminMessages.timestamp(r.expiresAt()))
        .setRequiredApprovals(r.requiredApprovals())
        .setState(state(r.state()));
    for (ApprovalVote v : r.votes()) {
      b.addApprovals(Approval.newBuilder()
          .setOfficer(v.officer().actor())
          .setApprovedAt(AdminMessages.timestamp(v.approvedAt())));
    }
    if (r.outcome() != null) {
      b.setOutcome(r.outcome());
    }
    if (r.decidedAt() != null) {
      b.setDecidedAt(AdminMessages.timestamp(r.decidedAt()));
    }
    return b.build();
  }

  private static ApprovalState state(io.keygate.gateway.approval.ApprovalState s) {
    return switch (s) {
      case PENDING -> ApprovalState.APPROVAL_PENDING;
      case RUNNING -> ApprovalState.APPROVAL_RUNNING;
      case EXECUTED -> ApprovalState.APPROVAL_EXECUTED;
      case FAILED -> ApprovalState.APPROVAL_FAILED;
      case REJECTED -> ApprovalState.APPROVAL_REJECTED;
      case EXPIRED -> ApprovalState.APPROVAL_EXPIRED;
    };
  }

  static TlsKey tlsKey(TlsKeyInventory.Entry e) throws CertificateEncodingException {
    X509Certificate leaf = e.chain().get(0);
    TlsKey.Builder b = TlsKey.newBuilder()
        .setLabel(e.label().value())
        .setSubject(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253, NAMES))
        .setIssuer(leaf.getIssuerX500Principal().getName(X500Principal.RFC2253, NAMES))
        .setNotBefore(AdminMessages.timestamp(leaf.getNotBefore().toInstant()))
        .setNotAfter(AdminMessages.timestamp(leaf.getNotAfter().toInstant()))
        .setCertificateSha256(TlsKeyInventory.fingerprint(leaf))
        .setCertificateChainPem(chainPem(e.chain()));
    e.servedBy().forEach(l -> b.addServedBy(l.wireName()));
    return b.build();
  }

  static String csrPem(byte[] der) {
    return pem("CERTIFICATE REQUEST", der);
  }

  /** A PEM chain from the caller: bounded, parsed, leaf first. */
  static List<X509Certificate> chain(String pem) throws AdminException {
    if (pem.isEmpty() || pem.length() > MAX_CHAIN_PEM) {
      throw AdminException.invalid("certificate chain must be 1..65536 characters of PEM");
    }
    try {
      List<X509Certificate> chain = new ArrayList<>();
      CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .forEach(c -> chain.add((X509Certificate) c));
      if (chain.isEmpty() || chain.size() > MAX_CHAIN_LENGTH) {
        throw AdminException.invalid("certificate chain must hold 1..10 certificates");
      }
      return chain;
    } catch (CertificateException e) {
      throw AdminException.invalid("certificate chain is not PEM X.509: " + e.getMessage());
    }
  }

  private static String chainPem(List<X509Certificate> chain) throws CertificateEncodingException {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : chain) {
      sb.append(pem("CERTIFICATE", c.getEncoded()));
    }
    return sb.toString();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
