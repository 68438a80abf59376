package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminRole;
import io.keygate.gateway.admin.access.IdentityMatch;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.VerificationReport;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.AuditProblem;
import io.keygate.proto.admin.v1.AuditRecords;
import io.keygate.proto.admin.v1.AuditVerification;
import io.keygate.proto.admin.v1.Authorization;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import io.keygate.proto.admin.v1.CredentialState;
import io.keygate.proto.admin.v1.Principal;
import io.keygate.proto.admin.v1.Role;
import io.keygate.hsm.WrappedMacKeys;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Translations between the config model and the admin API's messages. The only place that puts
 * secret bytes into a message is {@link #issued}; {@link #credential} has no field for one.
 */
public final class AdminMessages {
  private AdminMessages() {}

  static io.keygate.proto.admin.v1.Tenant tenant(Tenant t) {
    return io.keygate.proto.admin.v1.Tenant.newBuilder()
        .setId(t.id())
        .setName(t.name())
        .build();
  }

  static io.keygate.proto.admin.v1.App app(App a) {
    return io.keygate.proto.admin.v1.App.newBuilder()
        .setId(a.id())
        .setTenantId(a.tenantId())
        .setName(a.name())
        .build();
  }

  static io.keygate.proto.admin.v1.Credential credential(Credential c, Instant now) {
    var b = io.keygate.proto.admin.v1.Credential.newBuilder()
        .setAccessKey(c.accessKey())
        .setTenantId(c.tenantId())
        .setAppId(c.appId())
        .setState(
            switch (c.stateAt(now)) {
              case ACTIVE -> CredentialState.ACTIVE;
              case EXPIRED -> CredentialState.EXPIRED;
              case REVOKED -> CredentialState.REVOKED;
            })
        .setSecretKeyLabel(c.secretLabel().value());
    if (c.isWrapped()) {
      b.setKekId(c.wrapped().kek().value());
    }
    if (c.notAfter() != null) {
      b.setNotAfter(timestamp(c.notAfter()));
    }
    if (c.lastUsed() != null) {
      b.setLastUsed(timestamp(c.lastUsed()));
    }
    return b.build();
  }

  /**
   * The message that carries a new secret, once. A secret in the clear is destroyed here: after
   * this call the only copies are the message's (protobuf's immutable ByteString, which cannot be
   * zeroed) and the HSM's. A secret for a recipient is no secret to this process.
   */
  static io.keygate.proto.admin.v1.IssuedCredential issued(
      IssuedCredential issued, String tenantId, String appId, Instant now) {
    // Exactly what the issuer stored: no read-back, so nothing can fail while we hold the secret.
    Credential stored = new Credential(
        issued.accessKey(),
        appId,
        tenantId,
        CredentialIssuer.labelFor(issued.accessKey()),
        null,
        false,
        null);
    var reply = io.keygate.proto.admin.v1.IssuedCredential.newBuilder();
    if (issued instanceof IssuedCredential.ForRecipient sealed) {
      var credential = credential(stored, now).toBuilder();
      if (sealed.kek() != null) {
        credential.setKekId(sealed.kek().value());
      }
      return reply.setCredential(credential)
          .setSecretForRecipient(ByteString.copyFrom(sealed.secretForRecipient()))
          .build();
    }
    IssuedCredential.InClear clear = (IssuedCredential.InClear) issued;
    byte[] secret = clear.secret().unsafeCopy();
    try {
      return reply.setCredential(credential(stored, now))
          .setSecret(ByteString.copyFrom(secret))
          .build();
    } finally {
      Arrays.fill(secret, (byte) 0);
      clear.secret().destroy();
    }
  }

  /**
   * The requester's one-time key, if the request has one.
   *
   * @throws AdminException BadRecipientKey unless it is an RSA SubjectPublicKeyInfo of at least
   *     {@link WrappedMacKeys#MIN_RECIPIENT_BITS} bits
   */
  static Optional<RSAPublicKey> recipientKey(ByteString encoded) throws AdminException {
    if (encoded.isEmpty()) {
      return Optional.empty();
    }
    if (encoded.size() > 4096) {
      throw new AdminException(AdminError.BAD_RECIPIENT_KEY, "recipient key of "
          + encoded.size() + " bytes");
    }
    try {
      PublicKey key = KeyFactory.getInstance("RSA")
          .generatePublic(new X509EncodedKeySpec(encoded.toByteArray()));
      if (key instanceof RSAPublicKey rsa
          && rsa.getModulus().bitLength() >= WrappedMacKeys.MIN_RECIPIENT_BITS
          && rsa.getModulus().bitLength() <= 8192) {
        return Optional.of(rsa);
      }
      throw new AdminException(AdminError.BAD_RECIPIENT_KEY, "recipient key is not RSA of 3072 to"
          + " 8192 bits");
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new AdminException(AdminError.BAD_RECIPIENT_KEY, "recipient key does not parse");
    }
  }

  static Api api(ApiDefinition a) {
    return Api.newBuilder()
        .setId(a.id())
        .setTenantId(a.tenantId())
        .setMethodName(a.methodName())
        .setBackendTarget(a.backendTarget())
        .setAuthMode(
            a.authMode() == AuthMode.NONE
                ? io.keygate.proto.admin.v1.AuthMode.NONE
                : io.keygate.proto.admin.v1.AuthMode.SIGNATURE)
        .setDomain(a.legacy() ? "" : a.domain())
        .setPreauthMaxMessageBytes(a.preAuthMaxMessageBytes())
        .build();
  }

  static ApiDefinition api(Api a) throws AdminException {
    AuthMode mode = switch (a.getAuthMode()) {
      // Unset means the default, which is also the safe choice.
      case AUTH_MODE_UNSPECIFIED, SIGNATURE -> AuthMode.SIGNATURE;
      case NONE -> AuthMode.NONE;
      case UNRECOGNIZED -> throw AdminException.invalid("unknown auth mode");
    };
    try {
      // The store checks it again (the same rule); checked here to name the field to the caller.
      BackendTarget.parse(a.getBackendTarget());
    } catch (InvalidValueException e) {
      throw new AdminException(AdminError.INVALID_BACKEND_TARGET, e.getMessage());
    }
    if (a.getDomain().isEmpty()) {
      throw AdminException.invalid("an API needs a domain (since admin API 1.2)");
    }
    if (a.getPreauthMaxMessageBytes() > ApiDefinition.MAX_PREAUTH_MESSAGE_BYTES) {
      throw AdminException.invalid("preauth_max_message_bytes above the maximum");
    }
    return new ApiDefinition(a.getId(), a.getTenantId(), a.getDomain(), a.getMethodName(),
        a.getBackendTarget(), mode, a.getPreauthMaxMessageBytes());
  }

  static io.keygate.proto.admin.v1.DomainAllowance domain(DomainAllowance d) {
    return io.keygate.proto.admin.v1.DomainAllowance.newBuilder()
        .setTenantId(d.tenantId())
        .setDomain(d.domain())
        .build();
  }

  static DomainAllowance domain(io.keygate.proto.admin.v1.DomainAllowance d) {
    return new DomainAllowance(d.getTenantId(), d.getDomain());
  }

  static io.keygate.proto.admin.v1.BackendAllowance backend(BackendAllowance b) {
    return io.keygate.proto.admin.v1.BackendAllowance.newBuilder()
        .setTenantId(b.tenantId())
        .setBackendTarget(b.target())
        .setAllowUnauthenticated(b.allowUnauthenticated())
        .build();
  }

  static BackendAllowance backend(io.keygate.proto.admin.v1.BackendAllowance b)
      throws AdminException {
    try {
      BackendTarget.parse(b.getBackendTarget());
    } catch (InvalidValueException e) {
      throw new AdminException(AdminError.INVALID_BACKEND_TARGET, e.getMessage());
    }
    return new BackendAllowance(b.getTenantId(), b.getBackendTarget(), b.getAllowUnauthenticated());
  }

  static io.keygate.proto.admin.v1.Grant grant(Grant g) {
    return io.keygate.proto.admin.v1.Grant.newBuilder()
        .setTenantId(g.tenantId())
        .setAppId(g.appId())
        .setApiId(g.apiId())
        .build();
  }

  static Grant grant(io.keygate.proto.admin.v1.Grant g) {
    return new Grant(g.getTenantId(), g.getAppId(), g.getApiId());
  }

  static Authorization authorization(CrossTenantAuthorization a, Instant now) {
    return Authorization.newBuilder()
        .setId(a.id())
        .setGrantorTenantId(a.grantorTenantId())
        .setGranteeAppId(a.granteeAppId())
        .addAllApiIds(a.apiIds().stream().sorted().toList())
        .setExpiresAt(timestamp(a.expiresAt()))
        .setRevoked(a.revoked())
        .setLive(a.liveAt(now))
        .build();
  }

  /** A new authorization from a request; its expiry must be set and in the future. */
  static CrossTenantAuthorization authorization(CreateAuthorizationRequest req, Instant now)
      throws AdminException {
    Instant requested;
    try {
      requested = switch (req.getExpiryCase()) {
        case EXPIRES_AT -> instant(req.getExpiresAt());
        case VALID_FOR -> now.plus(duration(req.getValidFor()));
        case EXPIRY_NOT_SET -> throw AdminException.invalid("authorization without expiry");
      };
    } catch (DateTimeException | ArithmeticException e) {
      // The wire allows any int64 seconds; past year 1000000000 is the caller's mistake, not
      // our bug (INTERNAL). Found by fuzzing.
      throw AdminException.invalid("authorization expiry out of range");
    }
    // The store keeps milliseconds: check what will be stored, or an expiry less than a
    // millisecond ahead would pass here and be stored as already expired (found by fuzzing).
    Instant expiresAt = requested.truncatedTo(ChronoUnit.MILLIS);
    if (!expiresAt.isAfter(now)) {
      throw AdminException.invalid("authorization expiry " + expiresAt + " is not in the future");
    }
    return new CrossTenantAuthorization(
        req.getId(),
        req.getGrantorTenantId(),
        req.getGranteeAppId(),
        Set.copyOf(req.getApiIdsList()),
        expiresAt,
        false);
  }

  static Principal principal(AdminPrincipal p) {
    Principal.Builder b = Principal.newBuilder().setRole(role(p.role()));
    if (p.identity().kind() == IdentityMatch.Kind.SUBJECT) {
      b.setSubject(p.identity().value());
    } else {
      b.setCertificateSha256(p.identity().value());
    }
    if (p.tenantId() != null) {
      b.setTenantId(p.tenantId());
    }
    if (p.createdAt() != null) {
      b.setCreatedAt(timestamp(p.createdAt()));
    }
    return b.build();
  }

  static AdminPrincipal principal(Principal p) throws AdminException {
    IdentityMatch identity = identity(
        p.getIdentityCase() == Principal.IdentityCase.SUBJECT,
        p.getIdentityCase() == Principal.IdentityCase.CERTIFICATE_SHA256,
        p.getSubject(),
        p.getCertificateSha256());
    AdminRole role = switch (p.getRole()) {
      case SECURITY_OFFICER -> AdminRole.SECURITY_OFFICER;
      case TENANT_ADMIN -> AdminRole.TENANT_ADMIN;
      case AUDITOR -> AdminRole.AUDITOR;
      case ROLE_UNSPECIFIED, UNRECOGNIZED ->
        throw AdminException.invalid("principal without a role");
    };
    String tenant = p.getTenantId().isEmpty() ? null : p.getTenantId();
    try {
      // Its constructor checks that a tenant-admin, and only a tenant-admin, names a tenant.
      return new AdminPrincipal(identity, role, tenant, null);
    } catch (IllegalArgumentException e) {
      throw AdminException.invalid(e.getMessage());
    }
  }

  /** One of subject or fingerprint, normalised. */
  static IdentityMatch identity(
      boolean hasSubject, boolean hasSha256, String subject, String sha256) throws AdminException {
    try {
      if (hasSubject) {
        return IdentityMatch.subject(subject);
      }
      if (hasSha256) {
        return IdentityMatch.sha256(sha256);
      }
    } catch (IllegalArgumentException e) {
      // Parsing the caller's text: a malformed DN or fingerprint is the caller's mistake.
      throw AdminException.invalid(e.getMessage());
    }
    throw AdminException.invalid("principal without subject or certificate_sha256");
  }

  static Role role(AdminRole role) {
    return switch (role) {
      case SECURITY_OFFICER -> Role.SECURITY_OFFICER;
      case TENANT_ADMIN -> Role.TENANT_ADMIN;
      case AUDITOR -> Role.AUDITOR;
    };
  }

  public static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder()
        .setSeconds(i.getEpochSecond())
        .setNanos(i.getNano())
        .build();
  }

  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static java.time.Duration duration(Duration d) {
    return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  // ---- audit log ----

  static AuditRecords auditRecords(List<io.keygate.gateway.audit.AuditRecord> records) {
    AuditRecords.Builder b = AuditRecords.newBuilder();
    for (io.keygate.gateway.audit.AuditRecord r : records) {
      AuditEvent e = r.event();
      b.addRecords(io.keygate.proto.admin.v1.AuditRecord.newBuilder()
          .setSeq(r.seq())
          .setTime(timestamp(e.time()))
          .setActor(e.actor())
          .setRole(e.role())
          .setAction(e.action())
          .setTarget(e.target())
          .setOutcome(e.outcome().name())
          .setRequestId(e.requestId())
          .setDetail(e.detail())
          .setHash(r.hash()));
    }
    return b.build();
  }

  static AuditVerification verification(VerificationReport report) {
    AuditVerification.Builder b = AuditVerification.newBuilder()
        .setClean(report.isClean())
        .setRecords(report.records())
        .setLastSeq(report.lastSeq())
        .setSignedHeads(report.signedHeads())
        .setLastVerifiedSignedSeq(report.lastVerifiedSignedSeq())
        .setUnsignedRecords(report.unsignedRecords());
    for (VerificationReport.Problem p : report.problems()) {
      b.addProblems(AuditProblem.newBuilder()
          .setKind(p.kind().name())
          .setSeq(p.seq())
          .setLastSeq(p.lastSeq())
          .setDescription(p.description()));
    }
    return b.build();
  }
}
