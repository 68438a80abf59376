package io.keygate.gateway.admin.api;

import io.grpc.Status;

/**
 * Every way the admin API refuses or fails a call: the gRPC status, a stable code (sent in the
 * {@code x-keygate-error-code} trailer, for scripts and the CLI's exit codes) and the fixed message
 * the caller sees. The detail goes to the log with the request id, never to the caller.
 */
public enum AdminError {
  UNAUTHENTICATED(
      Status.Code.UNAUTHENTICATED, "Unauthenticated", "a verified client certificate is required"),
  // One message for unknown identities, wrong roles and other tenants: a denial reveals nothing.
  PERMISSION_DENIED(Status.Code.PERMISSION_DENIED, "PermissionDenied", "permission denied"),

  INVALID_ARGUMENT(
      Status.Code.INVALID_ARGUMENT,
      "InvalidArgument",
      "invalid argument: ids are 1-64 of A-Z a-z 0-9 . _ : -, names 1-200 printable characters,"
          + " method names package.Service/Method, backend targets host:port, [ipv6]:port or"
          + " dns:///host:port, domains lower-case DNS names without port"),
  // Its own code so that the caller learns which field and which forms, without any detail.
  INVALID_BACKEND_TARGET(
      Status.Code.INVALID_ARGUMENT,
      "InvalidBackendTarget",
      "invalid argument: backend_target must be host:port, [IPv6 address]:port or"
          + " dns:///host:port, with a port of 1-65535"),
  SAME_TENANT(
      Status.Code.INVALID_ARGUMENT,
      "SameTenant",
      "the grantee app belongs to the grantor tenant: use a grant"),
  ALREADY_EXISTS(Status.Code.ALREADY_EXISTS, "AlreadyExists", "already exists"),
  NOT_ALLOWED(
      Status.Code.FAILED_PRECONDITION,
      "RouteNotAllowed",
      "the domain or backend is not allowed for this tenant (ListAllowances shows what is);"
          + " auth mode NONE needs a backend allowed unauthenticated"),
  ALLOWANCE_IN_USE(
      Status.Code.FAILED_PRECONDITION,
      "AllowanceInUse",
      "APIs of the tenant still use this allowance: remove or move them first"),
  NOT_FOUND(Status.Code.NOT_FOUND, "NotFound", "not found in this tenant"),
  UNKNOWN_REFERENCE(
      Status.Code.NOT_FOUND,
      "UnknownReference",
      "a tenant, app or API named in the request does not exist in the tenant it must belong to"),

  CREDENTIAL_EXISTS(
      Status.Code.FAILED_PRECONDITION,
      "CredentialExists",
      "the app already has a live credential: use AddCredential to rotate"),
  NO_LIVE_CREDENTIAL(
      Status.Code.FAILED_PRECONDITION,
      "NoLiveCredential",
      "the app has no live credential: use CreateCredential"),
  CREDENTIAL_LIMIT(
      Status.Code.FAILED_PRECONDITION,
      "CredentialLimit",
      "the app already has two live credentials: retire or revoke one first"),
  CREDENTIAL_NOT_ACTIVE(
      Status.Code.FAILED_PRECONDITION,
      "CredentialNotActive",
      "the credential is already expired or revoked"),
  RECIPIENT_KEY_REQUIRED(
      Status.Code.FAILED_PRECONDITION,
      "RecipientKeyRequired",
      "this gateway sends new secrets only encrypted: send a one-time RSA public key"
          + " (recipient_public_key, admin API 1.3)"),
  BAD_RECIPIENT_KEY(
      Status.Code.INVALID_ARGUMENT,
      "BadRecipientKey",
      "recipient_public_key must be an RSA public key of at least 3072 bits, X.509"
          + " SubjectPublicKeyInfo in DER"),
  KEY_HIERARCHY_REQUIRED(
      Status.Code.FAILED_PRECONDITION,
      "KeyHierarchyRequired",
      "bulk issuance needs a gateway node with a key-encryption key (KEYGATE_KEK): the secrets are"
          + " made in the HSM"),
  PAYLOAD_KEK_REQUIRED(
      Status.Code.FAILED_PRECONDITION,
      "PayloadKekRequired",
      "payload keys are made in the HSM: this gateway node needs a payload key-encryption key"
          + " (KEYGATE_PAYLOAD_KEK)"),
  PAYLOAD_KEY_CURRENT(
      Status.Code.FAILED_PRECONDITION,
      "PayloadKeyCurrent",
      "the current payload key cannot be retired: issue its successor first"),
  PAYLOAD_KEY_NO_CURRENT(
      Status.Code.FAILED_PRECONDITION,
      "PayloadKeyNoCurrent",
      "a staged payload key needs a current key in its ring: issue the ring's first key without"
          + " staged, before the API's encryption policy uses that hop"),
  BATCH_SIZE(
      Status.Code.INVALID_ARGUMENT,
      "BatchSizeOutOfRange",
      "CreateCredentials takes 1 to 10000 app ids and at most 16 API ids per call"),
  RETIRE_LATER(
      Status.Code.FAILED_PRECONDITION,
      "RetireLater",
      "the credential already ends earlier: retiring can only bring the end forward"),

  LAST_OFFICER(
      Status.Code.FAILED_PRECONDITION,
      "LastOfficer",
      "the last security-officer cannot be removed: add another one first"),

  // ---- HSM keys and dual control ----
  HSM_KEY_NOT_FOUND(Status.Code.NOT_FOUND, "KeyNotFound", "no such key in the HSM"),
  HSM_KEY_EXISTS(Status.Code.ALREADY_EXISTS, "KeyExists", "the HSM already has a key with that label"),
  KEY_PROTECTED(
      Status.Code.FAILED_PRECONDITION,
      "KeyProtected",
      "the key is reserved (keygate.* or the audit-signing key) and cannot be destroyed"),
  KEK_UNUSABLE(
      Status.Code.FAILED_PRECONDITION,
      "KekUnusable",
      "the KEK is not in the token of a node with a key hierarchy (a rotation also needs two"
          + " different KEKs)"),
  KEK_IN_USE(
      Status.Code.FAILED_PRECONDITION,
      "KekInUse",
      "credentials are still wrapped under this KEK: rewrap them (rewrap_credentials) until none"
          + " remains, then destroy it"),
  KEK_ISSUING(
      Status.Code.FAILED_PRECONDITION,
      "KekIsIssuing",
      "a gateway node (this one, or another within the last minute) wraps new secrets under this"
          + " KEK (KEYGATE_KEK): move every node to the new KEK first"),
  KEY_IN_USE(
      Status.Code.FAILED_PRECONDITION,
      "KeyInUse",
      "the key holds the secret of a credential that is still live: revoke it first"),
  TLS_KEY_NOT_FOUND(
      Status.Code.NOT_FOUND, "TlsKeyNotFound", "no EC key with a certificate under that label"),
  TLS_KEY_SERVED(
      Status.Code.FAILED_PRECONDITION,
      "TlsKeyServed",
      "a listener serves this key: activate another key first, or prepare a new one"),
  TLS_KEY_ALREADY_SERVED(
      Status.Code.FAILED_PRECONDITION, "TlsKeyAlreadyServed", "the listener already serves it"),
  TLS_CERTIFICATE_CHANGED(
      Status.Code.FAILED_PRECONDITION,
      "TlsCertificateChanged",
      "the key's certificate changed after the activation was requested: request it again"),
  DUAL_CONTROL_REQUIRED(
      Status.Code.FAILED_PRECONDITION,
      "DualControlRequired",
      "adding or removing a security-officer needs the approval of other officers now: request"
          + " add_security_officer or remove_security_officer through dual control"),
  BELOW_QUORUM(
      Status.Code.FAILED_PRECONDITION,
      "BelowQuorum",
      "removing this officer would leave fewer security-officers than approvals are required:"
          + " add an officer first, or request the removal with allow_below_quorum"),
  NOT_AN_OFFICER(
      Status.Code.NOT_FOUND, "NotAnOfficer", "no security-officer with that identity"),
  TLS_CERTIFICATE_NOT_VALID(
      Status.Code.FAILED_PRECONDITION,
      "TlsCertificateNotValid",
      "the key's certificate is expired or not yet valid"),
  APPROVAL_NOT_FOUND(Status.Code.NOT_FOUND, "ApprovalNotFound", "no such approval request"),
  APPROVAL_CLOSED(
      Status.Code.FAILED_PRECONDITION, "ApprovalClosed", "the request is no longer pending"),
  APPROVAL_EXPIRED(
      Status.Code.FAILED_PRECONDITION,
      "ApprovalExpired",
      "the request expired before enough officers approved it: request it again"),
  ALREADY_APPROVED(
      Status.Code.FAILED_PRECONDITION,
      "AlreadyApproved",
      "you requested or already approved this: another security-officer must approve"),
  TOO_FEW_OFFICERS(
      Status.Code.FAILED_PRECONDITION,
      "TooFewOfficers",
      "fewer security-officers exist than approvals are required: add officers first"),

  CONFIG_UNAVAILABLE(
      Status.Code.UNAVAILABLE, "ConfigUnavailable", "the configuration database is unavailable"),
  HSM_UNAVAILABLE(Status.Code.UNAVAILABLE, "HsmUnavailable", "the HSM is unavailable"),
  AUDIT_UNAVAILABLE(
      Status.Code.UNAVAILABLE,
      "AuditUnavailable",
      "the audit log is unavailable; a change requested by this call may have been applied"),
  INTERNAL(Status.Code.INTERNAL, "InternalError", "internal error");

  private final Status.Code status;
  private final String code;
  private final String message;

  AdminError(Status.Code status, String code, String message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  public Status.Code status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String message() {
    return message;
  }
}
