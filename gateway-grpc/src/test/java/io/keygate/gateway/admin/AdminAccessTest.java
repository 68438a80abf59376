package io.keygate.gateway.admin;

import io.keygate.gateway.admin.api.AdminIdentityInterceptor;

import static io.keygate.gateway.admin.AdminFixture.ACME;
import static io.keygate.gateway.admin.AdminFixture.GLOBEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditEvent.Outcome;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.*;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who gets in, as what, and what the audit log says about it: mutual TLS at the door, the
 * certificate → principal mapping, auditors' read-only access, principals managed through the API,
 * request ids that tie replies to audit events, and a dead audit log failing calls closed.
 */
class AdminAccessTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("admin");

  static AdminFixture admin;
  private static final Calls.Refusal DENIED =
      Calls.refusal(Status.Code.PERMISSION_DENIED, "PermissionDenied");

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminFixture(tokens).start("admin");
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void clientWithoutACertificate_cannotConnect_andNothingReachesTheService() {
    int mark = admin.audit.mark();

    StatusRuntimeException e = catchThrowableOfType(
        StatusRuntimeException.class,
        () -> admin.as(null).whoAmI(WhoAmIRequest.getDefaultInstance()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(admin.audit.since(mark)).isEmpty();
  }

  @Test
  void clientWithACertificateFromAnotherCa_cannotConnect() throws Exception {
    TestAdminCa.Client rogue =
        new TestAdminCa("CN=Keygate Test Admin CA").issue("CN=officer-1,O=Keygate Admins");

    StatusRuntimeException e = catchThrowableOfType(
        StatusRuntimeException.class,
        () -> admin.as(rogue).whoAmI(WhoAmIRequest.getDefaultInstance()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void unknownCertificate_isDeniedEveryCall_andEachDenialIsAuditedWithItsFingerprint()
      throws Exception {
    AdminServiceBlockingStub stranger = admin.as(admin.stranger);
    int mark = admin.audit.mark();

    assertThat(Calls.status(() -> stranger.whoAmI(WhoAmIRequest.getDefaultInstance())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> stranger.listTenants(ListTenantsRequest.getDefaultInstance())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> stranger.createTenant(
            CreateTenantRequest.newBuilder().setId("x").setName("x").build())))
        .isEqualTo(DENIED);

    List<AuditEvent> events = admin.audit.since(mark);
    assertThat(events)
        .extracting(AuditEvent::action)
        .containsExactly("whoami", "tenant.list", "tenant.create");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.actor())
          .isEqualTo(admin.stranger.identity().auditActor())
          .contains("CN=stranger");
      assertThat(e.role()).isEqualTo("none");
      assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
      assertThat(e.detail()).isEqualTo("PermissionDenied DENIED_UNKNOWN_IDENTITY");
    });
    assertThat(admin.store.tenant("x")).isEmpty();
  }

  @Test
  void whoAmI_reportsTheCertificateAndTheMappedRole_bySubjectOrByFingerprint() throws Exception {
    WhoAmIResponse officer = admin.as(admin.officer).whoAmI(WhoAmIRequest.getDefaultInstance());
    WhoAmIResponse acme = admin.as(admin.acmeAdmin).whoAmI(WhoAmIRequest.getDefaultInstance());

    assertThat(officer.getRole()).isEqualTo(Role.SECURITY_OFFICER);
    assertThat(officer.getCommonName()).isEqualTo("officer-1");
    assertThat(officer.getSubject())
        .isEqualTo(admin.officer.identity().subject().value());
    assertThat(officer.getTenantId()).isEmpty();
    assertThat(acme.getRole()).isEqualTo(Role.TENANT_ADMIN);
    assertThat(acme.getTenantId()).isEqualTo(ACME);
    assertThat(acme.getCertificateSha256())
        .isEqualTo(admin.acmeAdmin.identity().sha256().value());
  }

  @Test
  void auditor_readsEveryList_butEveryWriteIsDenied() throws Exception {
    AdminServiceBlockingStub auditor = admin.as(admin.auditor);
    int mark = admin.audit.mark();

    assertThat(auditor.listTenants(ListTenantsRequest.getDefaultInstance()).getTenantsList())
        .extracting(Tenant::getId)
        .contains(ACME, GLOBEX);
    assertThat(auditor
            .listApps(ListAppsRequest.newBuilder().setTenantId(GLOBEX).build())
            .getAppsList())
        .extracting(App::getId)
        .containsExactly("globex-app");
    auditor.listApis(ListApisRequest.newBuilder().setTenantId(ACME).build());
    auditor.listGrants(ListGrantsRequest.newBuilder().setTenantId(ACME).build());
    auditor.listAuthorizations(
        ListAuthorizationsRequest.newBuilder().setTenantId(ACME).build());
    auditor.listCredentials(
        ListCredentialsRequest.newBuilder().setTenantId(ACME).build());
    assertThat(
            auditor.listPrincipals(ListPrincipalsRequest.getDefaultInstance()).getPrincipalsCount())
        .isEqualTo(4);

    assertThat(Calls.status(() -> auditor.createTenant(
            CreateTenantRequest.newBuilder().setId("a").setName("a").build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> auditor.createApp(CreateAppRequest.newBuilder()
            .setTenantId(ACME)
            .setId("a")
            .setName("a")
            .build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> auditor.registerApi(RegisterApiRequest.newBuilder()
            .setApi(Api.newBuilder()
                .setTenantId(ACME)
                .setId("a")
                .setMethodName("a.B/C")
                .setBackendTarget("h:1"))
            .build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> auditor.addPrincipal(AddPrincipalRequest.newBuilder()
            .setPrincipal(Principal.newBuilder().setSubject("CN=me").setRole(Role.SECURITY_OFFICER))
            .build())))
        .isEqualTo(DENIED);

    assertThat(admin.audit.since(mark))
        .extracting(e -> e.role() + " " + e.action() + " " + e.outcome())
        .containsExactly(
            "auditor tenant.list SUCCESS",
            "auditor app.list SUCCESS",
            "auditor api.list SUCCESS",
            "auditor grant.list SUCCESS",
            "auditor authorization.list SUCCESS",
            "auditor credential.list SUCCESS",
            "auditor principal.list SUCCESS",
            "auditor tenant.create DENIED",
            "auditor app.create DENIED",
            "auditor api.register DENIED",
            "auditor principal.add DENIED");
  }

  @Test
  void everyReply_carriesTheRequestIdOfItsAuditEvent_successOrRefusal() {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    AdminServiceBlockingStub officer = admin
        .as(admin.officer)
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));

    officer.listTenants(ListTenantsRequest.getDefaultInstance());
    String okId = trailers.get().get(AdminIdentityInterceptor.REQUEST_ID_TRAILER);
    AuditEvent ok = admin.audit.last();
    Calls.status(() -> officer.createTenant(
        CreateTenantRequest.newBuilder().setId(ACME).setName("dup").build()));
    String failedId = trailers.get().get(AdminIdentityInterceptor.REQUEST_ID_TRAILER);
    AuditEvent failed = admin.audit.last();

    assertThat(ok.requestId()).isEqualTo(okId).matches("[0-9a-f]{32}");
    assertThat(failed.requestId()).isEqualTo(failedId).isNotEqualTo(okId);
    assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(failed.detail()).isEqualTo("AlreadyExists");
  }

  @Test
  void malformedIds_areInvalidArguments_withAFixedMessage() {
    assertThat(Calls.status(() -> admin
            .as(admin.officer)
            .createTenant(CreateTenantRequest.newBuilder()
                .setId("no spaces allowed")
                .setName("x")
                .build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
  }

  @Test
  void officer_addsAndRemovesPrincipals_andARemovalTakesEffectOnTheNextCall() throws Exception {
    TestAdminCa.Client newcomer = admin.ca.issue("CN=auditor-2,O=Keygate Admins");
    String fingerprint = newcomer.identity().sha256().value();
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    AdminServiceBlockingStub stub = admin.as(newcomer);

    Principal added = officer.addPrincipal(AddPrincipalRequest.newBuilder()
        .setPrincipal(Principal.newBuilder()
            .setCertificateSha256(fingerprint.toUpperCase())
            .setRole(Role.AUDITOR))
        .build());
    assertThat(added.getCertificateSha256()).isEqualTo(fingerprint);
    assertThat(stub.whoAmI(WhoAmIRequest.getDefaultInstance()).getRole()).isEqualTo(Role.AUDITOR);

    officer.removePrincipal(
        RemovePrincipalRequest.newBuilder().setCertificateSha256(fingerprint).build());

    // Same connection, next call: there is no cached role to outlive the removal.
    assertThat(Calls.status(() -> stub.whoAmI(WhoAmIRequest.getDefaultInstance())))
        .isEqualTo(DENIED);
  }

  @Test
  void addPrincipal_refusesMissingTenantsUnknownTenantsAndDuplicates() {
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    Principal.Builder tenantAdmin =
        Principal.newBuilder().setSubject("CN=new-admin").setRole(Role.TENANT_ADMIN);

    assertThat(Calls.status(() -> officer.addPrincipal(
            AddPrincipalRequest.newBuilder().setPrincipal(tenantAdmin).build())))
        .isEqualTo(Calls.refusal(Status.Code.INVALID_ARGUMENT, "InvalidArgument"));
    assertThat(Calls.status(() -> officer.addPrincipal(AddPrincipalRequest.newBuilder()
            .setPrincipal(tenantAdmin.clone().setTenantId("nope"))
            .build())))
        .isEqualTo(Calls.refusal(Status.Code.NOT_FOUND, "UnknownReference"));
    assertThat(Calls.status(() -> officer.addPrincipal(AddPrincipalRequest.newBuilder()
            .setPrincipal(Principal.newBuilder()
                .setSubject(
                    admin.auditor.certificate().getSubjectX500Principal().getName())
                .setRole(Role.AUDITOR))
            .build())))
        .isEqualTo(Calls.refusal(Status.Code.ALREADY_EXISTS, "AlreadyExists"));
  }

  @Test
  void theLastOfficer_cannotBeRemoved_andTenantAdminsCannotRemoveAnyone() throws Exception {
    String officerSubject = admin.officer.identity().subject().value();

    assertThat(Calls.status(() -> admin
            .as(admin.acmeAdmin)
            .removePrincipal(
                RemovePrincipalRequest.newBuilder().setSubject(officerSubject).build())))
        .isEqualTo(DENIED);
    assertThat(Calls.status(() -> admin
            .as(admin.officer)
            .removePrincipal(
                RemovePrincipalRequest.newBuilder().setSubject(officerSubject).build())))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "LastOfficer"));
    assertThat(
            admin.as(admin.officer).whoAmI(WhoAmIRequest.getDefaultInstance()).getRole())
        .isEqualTo(Role.SECURITY_OFFICER);
  }

  @Test
  void whenTheAuditLogFails_noDataAndNoSecretLeaveTheServer() throws Exception {
    admin.store.createApp(new io.keygate.gateway.model.App("audit-app", ACME, "audit"));
    AdminServiceBlockingStub officer = admin.as(admin.officer);
    admin.audit.failing.set(true);
    try {
      var unavailable = Calls.refusal(Status.Code.UNAVAILABLE, "AuditUnavailable");
      assertThat(Calls.status(() -> officer.listTenants(ListTenantsRequest.getDefaultInstance())))
          .isEqualTo(unavailable);
      assertThat(Calls.status(() -> admin.as(admin.acmeAdmin).createCredential(
          CreateCredentialRequest.newBuilder()
              .setTenantId(ACME)
              .setAppId("audit-app")
              .build())))
          .isEqualTo(unavailable);
      // A denial stays a denial: the caller learns nothing about the audit log from it.
      assertThat(Calls.status(
              () -> admin.as(admin.stranger).listTenants(ListTenantsRequest.getDefaultInstance())))
          .isEqualTo(DENIED);
    } finally {
      admin.audit.failing.set(false);
    }
    // The credential was stored but its secret never left: it is inert, and listed for revocation.
    assertThat(admin.store.credentials(ACME)).anyMatch(c -> c.appId().equals("audit-app"));
  }
}
