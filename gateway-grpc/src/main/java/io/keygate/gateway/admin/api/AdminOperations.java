package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.access.AdminIdentity;
import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.access.AdminRole;
import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.credentials.CredentialLifecycle;

import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.proto.admin.v1.*;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The work behind each admin RPC once {@link AdminCalls} has allowed it: requests become store,
 * {@link CredentialLifecycle} and {@link AdminPrincipals} calls, results become messages. Every
 * tenant-scoped call passes the tenant named in the request, which the policy has already matched
 * against a tenant-admin's own; the store then scopes every read and write to that tenant.
 */
final class AdminOperations {
  private final ConfigStore store;
  private final CredentialLifecycle credentials;
  private final AdminPrincipals principals;
  private final AuditReading audit;
  private final KeyControl keys;
  private final EncryptionPolicies encryptionPolicies;
  private final SignatureRequirementsAdmin signatures;
  private final PayloadKeyOperations payloadKeys;
  private final Clock clock;

  AdminOperations(
      ConfigStore store,
      CredentialLifecycle credentials,
      AdminPrincipals principals,
      AuditReading audit,
      KeyControl keys,
      EncryptionPolicies encryptionPolicies,
      SignatureRequirementsAdmin signatures,
      PayloadKeyOperations payloadKeys,
      Clock clock) {
    this.signatures = Objects.requireNonNull(signatures, "signatures");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.payloadKeys = Objects.requireNonNull(payloadKeys, "payloadKeys");
    this.encryptionPolicies = Objects.requireNonNull(encryptionPolicies, "encryptionPolicies");
    this.store = Objects.requireNonNull(store, "store");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.principals = Objects.requireNonNull(principals, "principals");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  WhoAmIResponse whoAmI(AdminCalls.Caller caller) {
    AdminIdentity id = caller.identity();
    WhoAmIResponse.Builder b = WhoAmIResponse.newBuilder()
        .setSubject(id.subjectName())
        .setCommonName(id.commonName())
        .setCertificateSha256(id.sha256().value())
        .setRole(AdminMessages.role(caller.principal().role()));
    if (caller.principal().tenantId() != null) {
      b.setTenantId(caller.principal().tenantId());
    }
    return b.build();
  }

  // ---- tenants and apps ----

  Tenant createTenant(CreateTenantRequest req) throws StoreException {
    var tenant = new io.keygate.gateway.model.Tenant(req.getId(), req.getName());
    store.createTenant(tenant);
    return AdminMessages.tenant(tenant);
  }

  ListTenantsResponse listTenants() throws StoreException {
    ListTenantsResponse.Builder b = ListTenantsResponse.newBuilder();
    store.tenants().forEach(t -> b.addTenants(AdminMessages.tenant(t)));
    return b.build();
  }

  App createApp(CreateAppRequest req) throws StoreException {
    var app = new io.keygate.gateway.model.App(req.getId(), req.getTenantId(), req.getName());
    store.createApp(app);
    return AdminMessages.app(app);
  }

  ListAppsResponse listApps(ListAppsRequest req) throws StoreException {
    ListAppsResponse.Builder b = ListAppsResponse.newBuilder();
    store.apps(req.getTenantId()).forEach(a -> b.addApps(AdminMessages.app(a)));
    return b.build();
  }

  // ---- credentials ----

  IssuedCredential createCredential(CreateCredentialRequest req) throws Exception {
    var issued = credentials.create(req.getTenantId(), req.getAppId(),
        AdminMessages.recipientKey(req.getRecipientPublicKey()));
    return AdminMessages.issued(issued, req.getTenantId(), req.getAppId(), clock.instant());
  }

  IssuedCredential addCredential(AddCredentialRequest req) throws Exception {
    var issued = credentials.add(req.getTenantId(), req.getAppId(),
        AdminMessages.recipientKey(req.getRecipientPublicKey()));
    return AdminMessages.issued(issued, req.getTenantId(), req.getAppId(), clock.instant());
  }

  Credential retireCredential(RetireCredentialRequest req) throws Exception {
    if (!req.hasAfter()) {
      throw AdminException.invalid("retire without after");
    }
    var retired = credentials.retire(
        req.getTenantId(), req.getAccessKey(), AdminMessages.duration(req.getAfter()));
    return AdminMessages.credential(retired, clock.instant());
  }

  Credential revokeCredential(RevokeCredentialRequest req) throws StoreException {
    var revoked = credentials.revoke(req.getTenantId(), req.getAccessKey());
    return AdminMessages.credential(revoked, clock.instant());
  }

  ListCredentialsResponse listCredentials(ListCredentialsRequest req) throws StoreException {
    Instant now = clock.instant();
    ListCredentialsResponse.Builder b = ListCredentialsResponse.newBuilder();
    credentials
        .list(req.getTenantId(), req.getAppId())
        .forEach(c -> b.addCredentials(AdminMessages.credential(c, now)));
    return b.build();
  }

  // ---- what a tenant's APIs may use ----

  DomainAllowance allowDomain(AllowDomainRequest req) throws StoreException {
    var allowance = AdminMessages.domain(req.getAllowance());
    store.allowDomain(allowance);
    return AdminMessages.domain(allowance);
  }

  RemoveDomainResponse removeDomain(RemoveDomainRequest req) throws StoreException {
    store.removeDomain(req.getTenantId(), req.getDomain());
    return RemoveDomainResponse.getDefaultInstance();
  }

  BackendAllowance allowBackend(AllowBackendRequest req) throws Exception {
    var allowance = AdminMessages.backend(req.getAllowance());
    store.allowBackend(allowance);
    return AdminMessages.backend(allowance);
  }

  RemoveBackendResponse removeBackend(RemoveBackendRequest req) throws StoreException {
    store.removeBackend(req.getTenantId(), req.getBackendTarget());
    return RemoveBackendResponse.getDefaultInstance();
  }

  ListAllowancesResponse listAllowances(ListAllowancesRequest req) throws StoreException {
    ListAllowancesResponse.Builder b = ListAllowancesResponse.newBuilder();
    store.domains(req.getTenantId()).forEach(d -> b.addDomains(AdminMessages.domain(d)));
    store.backends(req.getTenantId()).forEach(t -> b.addBackends(AdminMessages.backend(t)));
    return b.build();
  }

  // ---- APIs and grants ----

  Api registerApi(RegisterApiRequest req) throws Exception {
    var api = AdminMessages.api(req.getApi());
    store.registerApi(api);
    return signatures.shown(encryptionPolicies.shown(AdminMessages.api(api)));
  }

  Api updateApi(UpdateApiRequest req) throws Exception {
    var api = AdminMessages.api(req.getApi());
    store.updateApi(api);
    return signatures.shown(encryptionPolicies.shown(AdminMessages.api(api)));
  }

  Api setApiEncryption(SetApiEncryptionRequest req) throws Exception {
    var api = tenantsApi(req.getTenantId(), req.getApiId());
    encryptionPolicies.set(api.id(), req.getEncryption(), clock.instant());
    return signatures.shown(encryptionPolicies.shown(AdminMessages.api(api)));
  }

  /**
   * With an API id: that API's own requirement, for an API of the named tenant (another tenant's
   * is not found). Without: the tenant's default. A bad requirement is refused before either.
   */
  SignatureRequirementState setSignatureRequirement(SetSignatureRequirementRequest req)
      throws Exception {
    var requirement = SignatureRequirementsAdmin.requested(req.getRequirement());
    if (req.getApiId().isEmpty()) {
      return signatures.setTenantDefault(req.getTenantId(), requirement, clock.instant());
    }
    var api = tenantsApi(req.getTenantId(), req.getApiId());
    return signatures.setApiRequirement(api.tenantId(), api.id(), requirement, clock.instant());
  }

  ListPayloadKeysResponse listPayloadKeys(ListPayloadKeysRequest req) throws Exception {
    return encryptionPolicies.keys(tenantsApi(req.getTenantId(), req.getApiId()).id());
  }

  IssuedPayloadKey issuePayloadKey(IssuePayloadKeyRequest req) throws Exception {
    return payloadKeys.issue(tenantsApi(req.getTenantId(), req.getApiId()).id(), req);
  }

  ListPayloadKeysResponse retirePayloadKey(RetirePayloadKeyRequest req) throws Exception {
    String apiId = tenantsApi(req.getTenantId(), req.getApiId()).id();
    payloadKeys.retire(apiId, req);
    return encryptionPolicies.keys(apiId);
  }

  ListPayloadKeysResponse promotePayloadKey(PromotePayloadKeyRequest req) throws Exception {
    String apiId = tenantsApi(req.getTenantId(), req.getApiId()).id();
    payloadKeys.promote(apiId, req);
    return encryptionPolicies.keys(apiId);
  }

  /** The API, found tenant-scoped: another tenant's is not found. */
  private io.keygate.gateway.model.ApiDefinition tenantsApi(String tenantId, String apiId)
      throws StoreException {
    return store.apis(tenantId).stream()
        .filter(a -> a.id().equals(apiId))
        .findFirst()
        .orElseThrow(() -> new StoreNotFoundException("no such API in the tenant"));
  }

  RemoveApiResponse removeApi(RemoveApiRequest req) throws StoreException {
    store.removeApi(req.getTenantId(), req.getApiId());
    return RemoveApiResponse.getDefaultInstance();
  }

  ListApisResponse listApis(ListApisRequest req) throws StoreException {
    ListApisResponse.Builder b = ListApisResponse.newBuilder();
    var required = signatures.all();
    for (var a : store.apis(req.getTenantId())) {
      b.addApis(SignatureRequirementsAdmin.shown(
          encryptionPolicies.shown(AdminMessages.api(a)), required));
    }
    return b.build();
  }

  Grant createGrant(CreateGrantRequest req) throws StoreException {
    store.grant(AdminMessages.grant(req.getGrant()));
    return req.getGrant();
  }

  RevokeGrantResponse revokeGrant(RevokeGrantRequest req) throws StoreException {
    store.revokeGrant(AdminMessages.grant(req.getGrant()));
    return RevokeGrantResponse.getDefaultInstance();
  }

  ListGrantsResponse listGrants(ListGrantsRequest req) throws StoreException {
    ListGrantsResponse.Builder b = ListGrantsResponse.newBuilder();
    store.grants(req.getTenantId()).forEach(g -> b.addGrants(AdminMessages.grant(g)));
    return b.build();
  }

  // ---- cross-tenant authorizations ----

  Authorization createAuthorization(CreateAuthorizationRequest req) throws Exception {
    Instant now = clock.instant();
    CrossTenantAuthorization authorization = AdminMessages.authorization(req, now);
    store.authorize(authorization);
    return AdminMessages.authorization(authorization, now);
  }

  Authorization revokeAuthorization(RevokeAuthorizationRequest req) throws StoreException {
    String grantor = req.getGrantorTenantId();
    String id = req.getAuthorizationId();
    store.revokeAuthorization(grantor, id);
    CrossTenantAuthorization revoked = store.authorizationsGranted(grantor).stream()
        .filter(a -> a.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new StoreNotFoundException("authorization " + id + " vanished"));
    return AdminMessages.authorization(revoked, clock.instant());
  }

  ListAuthorizationsResponse listAuthorizations(ListAuthorizationsRequest req)
      throws StoreException {
    Instant now = clock.instant();
    ListAuthorizationsResponse.Builder b = ListAuthorizationsResponse.newBuilder();
    store
        .authorizationsGranted(req.getTenantId())
        .forEach(a -> b.addGranted(AdminMessages.authorization(a, now)));
    store
        .authorizationsReceived(req.getTenantId())
        .forEach(a -> b.addReceived(AdminMessages.authorization(a, now)));
    return b.build();
  }

  // ---- admin principals ----

  Principal addPrincipal(AddPrincipalRequest req) throws Exception {
    AdminPrincipal principal = AdminMessages.principal(req.getPrincipal());
    // Otherwise one officer could add a second identity of their own and approve alone.
    boolean officer = principal.role() == AdminRole.SECURITY_OFFICER;
    if (officer && keys.officerChangeNeedsApproval()) {
      throw new AdminException(AdminError.DUAL_CONTROL_REQUIRED, "officer " + principal.identity());
    }
    AdminPrincipal added = principals.add(principal);
    if (officer) {
      keys.officerAdded();
    }
    return AdminMessages.principal(added);
  }

  RemovePrincipalResponse removePrincipal(RemovePrincipalRequest req) throws Exception {
    IdentityMatch identity = AdminMessages.identity(
        req.getIdentityCase() == RemovePrincipalRequest.IdentityCase.SUBJECT,
        req.getIdentityCase() == RemovePrincipalRequest.IdentityCase.CERTIFICATE_SHA256,
        req.getSubject(),
        req.getCertificateSha256());
    boolean officer = principals.find(identity)
        .filter(p -> p.role() == AdminRole.SECURITY_OFFICER)
        .isPresent();
    // Otherwise one officer could remove the others, and with them dual control (a demotion is
    // this removal, then an AddPrincipal with the new role).
    if (officer && keys.officerChangeNeedsApproval()) {
      throw new AdminException(AdminError.DUAL_CONTROL_REQUIRED, "remove officer " + identity);
    }
    // Without an officer nobody could add principals short of an offline bootstrap. Best effort
    // in the bootstrap window: two officers removing each other at the same moment could race.
    if (principals.isLastOfficer(identity)) {
      throw new AdminException(AdminError.LAST_OFFICER, "last officer " + identity);
    }
    principals.remove(identity);
    return RemovePrincipalResponse.getDefaultInstance();
  }

  ListPrincipalsResponse listPrincipals() throws StoreException {
    ListPrincipalsResponse.Builder b = ListPrincipalsResponse.newBuilder();
    principals.list().forEach(p -> b.addPrincipals(AdminMessages.principal(p)));
    return b.build();
  }

  // ---- audit log ----

  AuditRecords auditTail(AuditTailRequest req) throws Exception {
    return AdminMessages.auditRecords(audit.query().tail(limit(req.getCount(), "count")));
  }

  AuditRecords auditQuery(AuditQueryRequest req) throws Exception {
    return AdminMessages.auditRecords(audit.query().query(
        req.hasFrom() ? AdminMessages.instant(req.getFrom()) : null,
        req.hasTo() ? AdminMessages.instant(req.getTo()) : null,
        req.getActor().isEmpty() ? null : req.getActor(),
        req.getAction().isEmpty() ? null : req.getAction(),
        limit(req.getLimit(), "limit")));
  }

  AuditVerification auditVerify() throws Exception {
    return AdminMessages.verification(audit.verifier().verify());
  }

  private static int limit(int n, String name) throws AdminException {
    if (n < 1 || n > io.keygate.gateway.audit.AuditQuery.MAX_LIMIT) {
      throw AdminException.invalid(
          name + " must be 1.." + io.keygate.gateway.audit.AuditQuery.MAX_LIMIT + ", was " + n);
    }
    return n;
  }
}
