package io.keygate.gateway.approval;

import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KekId;
import java.util.Objects;

/**
 * An operation that one officer may ask for but only M officers together may cause. Values
 * only: what each does is {@link DualControl.Runner}'s business.
 */
public sealed interface DualControlOperation {

  /** How the operation is stored ({@code approval_requests.operation}). */
  String kind();

  /** The key label or tenant id it acts on. */
  String subject();

  /** The operation in words, for approvers. */
  String summary();

  /** The audit log's action when it runs, e.g. {@code key.destroy}. */
  String auditAction();

  /** The audit log's target when it runs. */
  String auditTarget();

  /** Destroys an HSM key for good. */
  record DestroyKey(KeyLabel label) implements DualControlOperation {
    public DestroyKey {
      Objects.requireNonNull(label, "label");
    }

    @Override
    public String kind() {
      return "destroy-key";
    }

    @Override
    public String subject() {
      return label.value();
    }

    @Override
    public String summary() {
      return "destroy HSM key " + label;
    }

    @Override
    public String auditAction() {
      return "key.destroy";
    }

    @Override
    public String auditTarget() {
      return "hsm/key/" + label;
    }
  }

  /** Revokes every credential of a tenant that is not revoked yet. */
  record RevokeTenantCredentials(String tenantId) implements DualControlOperation {
    public RevokeTenantCredentials {
      Objects.requireNonNull(tenantId, "tenantId");
    }

    @Override
    public String kind() {
      return "revoke-tenant-credentials";
    }

    @Override
    public String subject() {
      return tenantId;
    }

    @Override
    public String summary() {
      return "revoke every credential of tenant " + tenantId;
    }

    @Override
    public String auditAction() {
      return "credential.revoke-all";
    }

    @Override
    public String auditTarget() {
      return "tenant/" + tenantId + "/credentials";
    }
  }

  /**
   * Makes every node serve another HSM key on a TLS listener.
   *
   * @param certificateSha256 the key's leaf certificate when the request was made (hex), which
   *     is what the approvers approve; null only before the request pins it
   */
  record ActivateTlsKey(TlsListener listener, KeyLabel label, String certificateSha256)
      implements DualControlOperation {
    public ActivateTlsKey {
      Objects.requireNonNull(listener, "listener");
      Objects.requireNonNull(label, "label");
    }

    public ActivateTlsKey pinned(String sha256) {
      return new ActivateTlsKey(listener, label, sha256);
    }

    @Override
    public String kind() {
      return "activate-tls-key";
    }

    @Override
    public String subject() {
      return label.value();
    }

    @Override
    public String summary() {
      return "serve TLS key " + label + " on the " + listener.wireName() + " listener"
          + (certificateSha256 == null ? "" : " (certificate sha256 " + certificateSha256 + ")");
    }

    @Override
    public String auditAction() {
      return "tls.activate";
    }

    @Override
    public String auditTarget() {
      return "tls/" + listener.wireName() + "/" + label;
    }
  }

  /**
   * Makes a certificate identity a security-officer.
   *
   * @param identity as admin_principals stores it, e.g. {@code sha256:<hex>} or {@code
   *     subject:<DN>}
   */
  record AddSecurityOfficer(String identity) implements DualControlOperation {
    public AddSecurityOfficer {
      Objects.requireNonNull(identity, "identity");
    }

    @Override
    public String kind() {
      return "add-officer";
    }

    @Override
    public String subject() {
      return identity;
    }

    @Override
    public String summary() {
      return "make " + identity + " a security-officer";
    }

    @Override
    public String auditAction() {
      return "principal.add-officer";
    }

    @Override
    public String auditTarget() {
      return "principal/" + identity;
    }
  }
  /**
   * Takes the security-officer role from a certificate identity (removes its mapping; demoting is
   * this, then an ordinary AddPrincipal with the new role). Once the bootstrap window has closed,
   * this is the only way an officer leaves.
   *
   * @param identity as admin_principals stores it
   * @param belowQuorum whether the approvers accept that fewer than M officers remain (dual
   *     control then cannot run until officers are added): without it such a removal is refused,
   *     so a node never goes below M unless the quorum said so in what it approved
   */
  record RemoveSecurityOfficer(String identity, boolean belowQuorum)
      implements DualControlOperation {
    public RemoveSecurityOfficer {
      Objects.requireNonNull(identity, "identity");
    }

    @Override
    public String kind() {
      return belowQuorum ? "remove-officer-below-m" : "remove-officer";
    }

    @Override
    public String subject() {
      return identity;
    }

    @Override
    public String summary() {
      return "remove security-officer " + identity
          + (belowQuorum ? ", even if fewer officers than approvals required remain" : "");
    }

    @Override
    public String auditAction() {
      return "principal.remove-officer";
    }

    @Override
    public String auditTarget() {
      return "principal/" + identity;
    }
  }

  /** Rewraps every credential wrapped under {@code from} under {@code to} (KEK rotation). */
  record RewrapCredentials(KekId from, KekId to) implements DualControlOperation {
    public RewrapCredentials {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    /** Reads what {@link #subject()} wrote. */
    public static RewrapCredentials parse(String subject) {
      int sep = subject.indexOf('>');
      if (sep < 0) {
        throw new IllegalArgumentException("not '<from>><to>': " + subject);
      }
      return new RewrapCredentials(
          KekId.of(subject.substring(0, sep)), KekId.of(subject.substring(sep + 1)));
    }

    @Override
    public String kind() {
      return "rewrap-credentials";
    }

    @Override
    public String subject() {
      return from.value() + ">" + to.value();
    }

    @Override
    public String summary() {
      return "rewrap every credential wrapped under KEK " + from + " under KEK " + to
          + " (KEK rotation)";
    }

    @Override
    public String auditAction() {
      return "kek.rewrap";
    }

    @Override
    public String auditTarget() {
      return "kek/" + from + "/" + to;
    }
  }

  /**
   * Destroys a KEK in the token, once no stored credential, of any tenant, is wrapped under it (the
   * end of a KEK rotation). Never the KEK the node issues under.
   */
  record DestroyKek(KekId kek) implements DualControlOperation {
    public DestroyKek {
      Objects.requireNonNull(kek, "kek");
    }

    @Override
    public String kind() {
      return "destroy-kek";
    }

    @Override
    public String subject() {
      return kek.value();
    }

    @Override
    public String summary() {
      return "destroy KEK " + kek + " (refused while any credential is wrapped under it)";
    }

    @Override
    public String auditAction() {
      return "kek.destroy";
    }

    @Override
    public String auditTarget() {
      return "kek/" + kek;
    }
  }
}
