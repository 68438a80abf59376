package io.keygate.admin.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.admin.v1.AddCredentialRequest;
import io.keygate.proto.admin.v1.AddPrincipalRequest;
import io.keygate.proto.admin.v1.AdminServiceGrpc;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.App;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApproveRequest;
import io.keygate.proto.admin.v1.AuthMode;
import io.keygate.proto.admin.v1.AuditQueryRequest;
import io.keygate.proto.admin.v1.AuditRecord;
import io.keygate.proto.admin.v1.AuditRecords;
import io.keygate.proto.admin.v1.AuditTailRequest;
import io.keygate.proto.admin.v1.AuditVerification;
import io.keygate.proto.admin.v1.AuditVerifyRequest;
import io.keygate.proto.admin.v1.Authorization;
import io.keygate.proto.admin.v1.CreateAppRequest;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import io.keygate.proto.admin.v1.CreateGrantRequest;
import io.keygate.proto.admin.v1.CreateTenantRequest;
import io.keygate.proto.admin.v1.Credential;
import io.keygate.proto.admin.v1.CredentialState;
import io.keygate.proto.admin.v1.Grant;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.admin.v1.InstallTlsCertificateRequest;
import io.keygate.proto.admin.v1.ListApisRequest;
import io.keygate.proto.admin.v1.ListApisResponse;
import io.keygate.proto.admin.v1.ListAppsRequest;
import io.keygate.proto.admin.v1.ListAppsResponse;
import io.keygate.proto.admin.v1.ListApprovalsRequest;
import io.keygate.proto.admin.v1.ListApprovalsResponse;
import io.keygate.proto.admin.v1.ListAuthorizationsRequest;
import io.keygate.proto.admin.v1.ListAuthorizationsResponse;
import io.keygate.proto.admin.v1.ListCredentialsRequest;
import io.keygate.proto.admin.v1.ListCredentialsResponse;
import io.keygate.proto.admin.v1.ListGrantsRequest;
import io.keygate.proto.admin.v1.ListGrantsResponse;
import io.keygate.proto.admin.v1.ListPrincipalsRequest;
import io.keygate.proto.admin.v1.ListPrincipalsResponse;
import io.keygate.proto.admin.v1.ListTenantsRequest;
import io.keygate.proto.admin.v1.ListTenantsResponse;
import io.keygate.proto.admin.v1.ListTlsKeysRequest;
import io.keygate.proto.admin.v1.ListTlsKeysResponse;
import io.keygate.proto.admin.v1.Principal;
import io.keygate.proto.admin.v1.PrepareTlsKeyRequest;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.RemoveApiRequest;
import io.keygate.proto.admin.v1.RemoveApiResponse;
import io.keygate.proto.admin.v1.RemovePrincipalRequest;
import io.keygate.proto.admin.v1.RemovePrincipalResponse;
import io.keygate.proto.admin.v1.RejectApprovalRequest;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.proto.admin.v1.RetireCredentialRequest;
import io.keygate.proto.admin.v1.RevokeAuthorizationRequest;
import io.keygate.proto.admin.v1.RevokeCredentialRequest;
import io.keygate.proto.admin.v1.RevokeGrantRequest;
import io.keygate.proto.admin.v1.RevokeGrantResponse;
import io.keygate.proto.admin.v1.Role;
import io.keygate.proto.admin.v1.Tenant;
import io.keygate.proto.admin.v1.TlsKey;
import io.keygate.proto.admin.v1.UpdateApiRequest;
import io.keygate.proto.admin.v1.WhoAmIRequest;
import io.keygate.proto.admin.v1.WhoAmIResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * An admin API that answers from canned data and records every request, so the CLI's argument
 * parsing and output are tested without the gateway (keystore-admin must not depend on it). {@link
 * #failWith} makes the next call fail the way the real server does.
 */
public final class FakeAdminService extends AdminServiceGrpc.AdminServiceImplBase {
  public static final byte[] SECRET = new byte[32];

  static {
    for (int i = 0; i < SECRET.length; i++) {
      SECRET[i] = (byte) (0xA0 + i);
    }
  }

  public final List<Message> requests = new ArrayList<>();

  /** Dual control: the approval requests made through this fake, in memory. */
  public final FakeApprovals approvals = new FakeApprovals();

  /** What AuditVerify answers; clean unless a test sets problems. */
  public AuditVerification verification =
      AuditVerification.newBuilder()
          .setClean(true)
          .setRecords(12)
          .setLastSeq(12)
          .setSignedHeads(2)
          .setLastVerifiedSignedSeq(10)
          .setUnsignedRecords(2)
          .build();
  private StatusRuntimeException failure;

  public void failWith(StatusRuntimeException e) {
    this.failure = e;
  }

  public Message lastRequest() {
    return requests.get(requests.size() - 1);
  }

  private <T> void answer(Message request, StreamObserver<T> out, T response) {
    answerFrom(request, out, () -> response);
  }

  /** Records the request, then answers, or fails as {@link #failWith} or the answer says. */
  private <T> void answerFrom(Message request, StreamObserver<T> out, Supplier<T> response) {
    requests.add(request);
    T value;
    try {
      if (failure != null) {
        throw failure;
      }
      value = response.get();
    } catch (StatusRuntimeException e) {
      failure = null;
      out.onError(e);
      return;
    }
    out.onNext(value);
    out.onCompleted();
  }

  public static Credential credential(String accessKey, CredentialState state) {
    return Credential.newBuilder()
        .setAccessKey(accessKey)
        .setTenantId("acme")
        .setAppId("shop")
        .setState(state)
        .setLastUsed(Timestamp.newBuilder().setSeconds(1_800_000_000L))
        .setSecretKeyLabel("cred." + accessKey)
        .build();
  }

  @Override
  public void whoAmI(WhoAmIRequest r, StreamObserver<WhoAmIResponse> o) {
    answer(
        r,
        o,
        WhoAmIResponse.newBuilder()
            .setSubject("CN=alice")
            .setCommonName("alice")
            .setCertificateSha256("ab".repeat(32))
            .setRole(Role.SECURITY_OFFICER)
            .build());
  }

  @Override
  public void createTenant(CreateTenantRequest r, StreamObserver<Tenant> o) {
    answer(r, o, Tenant.newBuilder().setId(r.getId()).setName(r.getName()).build());
  }

  @Override
  public void listTenants(ListTenantsRequest r, StreamObserver<ListTenantsResponse> o) {
    answer(
        r,
        o,
        ListTenantsResponse.newBuilder()
            .addTenants(Tenant.newBuilder().setId("acme").setName("Acme \"Rockets\"\n"))
            .addTenants(Tenant.newBuilder().setId("globex").setName("Globex"))
            .build());
  }

  @Override
  public void createApp(CreateAppRequest r, StreamObserver<App> o) {
    answer(
        r,
        o,
        App.newBuilder()
            .setId(r.getId())
            .setTenantId(r.getTenantId())
            .setName(r.getName())
            .build());
  }

  @Override
  public void listApps(ListAppsRequest r, StreamObserver<ListAppsResponse> o) {
    answer(
        r,
        o,
        ListAppsResponse.newBuilder()
            .addApps(App.newBuilder().setId("shop").setTenantId(r.getTenantId()).setName("Shop"))
            .build());
  }

  @Override
  public void createCredential(CreateCredentialRequest r, StreamObserver<IssuedCredential> o) {
    answer(r, o, issued("AKFIRST"));
  }

  @Override
  public void addCredential(AddCredentialRequest r, StreamObserver<IssuedCredential> o) {
    answer(r, o, issued("AKSECOND"));
  }

  private static IssuedCredential issued(String accessKey) {
    return IssuedCredential.newBuilder()
        .setCredential(credential(accessKey, CredentialState.ACTIVE).toBuilder().clearLastUsed())
        .setSecret(ByteString.copyFrom(SECRET))
        .build();
  }

  @Override
  public void retireCredential(RetireCredentialRequest r, StreamObserver<Credential> o) {
    answer(
        r,
        o,
        credential(r.getAccessKey(), CredentialState.ACTIVE).toBuilder()
            .setNotAfter(
                Timestamp.newBuilder().setSeconds(1_800_000_000L + r.getAfter().getSeconds()))
            .build());
  }

  @Override
  public void revokeCredential(RevokeCredentialRequest r, StreamObserver<Credential> o) {
    answer(r, o, credential(r.getAccessKey(), CredentialState.REVOKED));
  }

  @Override
  public void listCredentials(ListCredentialsRequest r, StreamObserver<ListCredentialsResponse> o) {
    answer(
        r,
        o,
        ListCredentialsResponse.newBuilder()
            .addCredentials(credential("AKFIRST", CredentialState.ACTIVE))
            .addCredentials(
                credential("AKOLD", CredentialState.EXPIRED).toBuilder()
                    .clearLastUsed()
                    .setNotAfter(Timestamp.newBuilder().setSeconds(1_700_000_000L)))
            .build());
  }

  @Override
  public void registerApi(RegisterApiRequest r, StreamObserver<Api> o) {
    answer(r, o, r.getApi());
  }

  @Override
  public void updateApi(UpdateApiRequest r, StreamObserver<Api> o) {
    answer(r, o, r.getApi());
  }

  @Override
  public void setSignatureRequirement(
      io.keygate.proto.admin.v1.SetSignatureRequirementRequest r,
      StreamObserver<io.keygate.proto.admin.v1.SignatureRequirementState> o) {
    answer(r, o, io.keygate.proto.admin.v1.SignatureRequirementState.newBuilder()
        .setTenantId(r.getTenantId()).setApiId(r.getApiId())
        .setTenantDefault(r.getApiId().isEmpty() ? r.getRequirement()
            : io.keygate.proto.admin.v1.SignatureRequirement.SIGNATURE_V1_OR_V2)
        .setEffective(r.getRequirement()).build());
  }

  @Override
  public void setApiEncryption(
      io.keygate.proto.admin.v1.SetApiEncryptionRequest r, StreamObserver<Api> o) {
    answer(r, o, Api.newBuilder().setTenantId(r.getTenantId()).setId(r.getApiId())
        .setEncryption(r.getEncryption()).build());
  }

  @Override
  public void listPayloadKeys(io.keygate.proto.admin.v1.ListPayloadKeysRequest r,
      StreamObserver<io.keygate.proto.admin.v1.ListPayloadKeysResponse> o) {
    answer(r, o, io.keygate.proto.admin.v1.ListPayloadKeysResponse.newBuilder()
        .setEncryption(io.keygate.proto.admin.v1.EncryptionPolicy.ENCRYPTION_CLIENT)
        .addKeys(io.keygate.proto.admin.v1.PayloadKeyInfo.newBuilder()
            .setHop("client").setKeyId("c-1"))
        .addKeys(io.keygate.proto.admin.v1.PayloadKeyInfo.newBuilder()
            .setHop("client").setKeyId("c-2").setCurrent(true))
        .build());
  }

  /** The payload key the fake issues: encrypted to the request's recipient, as the HSM does. */
  public static final byte[] PAYLOAD_KEY = new byte[32];

  static {
    for (int i = 0; i < PAYLOAD_KEY.length; i++) {
      PAYLOAD_KEY[i] = (byte) (0x50 + i);
    }
  }

  @Override
  public void issuePayloadKey(io.keygate.proto.admin.v1.IssuePayloadKeyRequest r,
      StreamObserver<io.keygate.proto.admin.v1.IssuedPayloadKey> o) {
    answerFrom(r, o, () -> {
      try {
        javax.crypto.Cipher rsa = javax.crypto.Cipher.getInstance(
            "RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
        rsa.init(javax.crypto.Cipher.ENCRYPT_MODE, java.security.KeyFactory.getInstance("RSA")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(
                r.getRecipientPublicKey().toByteArray())));
        return io.keygate.proto.admin.v1.IssuedPayloadKey.newBuilder()
            .setKey(io.keygate.proto.admin.v1.PayloadKeyInfo.newBuilder().setHop(r.getHop())
                .setKeyId(r.getKeyId()).setCurrent(!r.getStaged()))
            .setKeyForRecipient(ByteString.copyFrom(rsa.doFinal(PAYLOAD_KEY)))
            .build();
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Override
  public void retirePayloadKey(io.keygate.proto.admin.v1.RetirePayloadKeyRequest r,
      StreamObserver<io.keygate.proto.admin.v1.ListPayloadKeysResponse> o) {
    answer(r, o, io.keygate.proto.admin.v1.ListPayloadKeysResponse.newBuilder()
        .addKeys(io.keygate.proto.admin.v1.PayloadKeyInfo.newBuilder()
            .setHop("client").setKeyId("c-2").setCurrent(true))
        .build());
  }

  @Override
  public void promotePayloadKey(io.keygate.proto.admin.v1.PromotePayloadKeyRequest r,
      StreamObserver<io.keygate.proto.admin.v1.ListPayloadKeysResponse> o) {
    answer(r, o, io.keygate.proto.admin.v1.ListPayloadKeysResponse.newBuilder()
        .addKeys(io.keygate.proto.admin.v1.PayloadKeyInfo.newBuilder()
            .setHop("client").setKeyId("c-1"))
        .addKeys(io.keygate.proto.admin.v1.PayloadKeyInfo.newBuilder()
            .setHop("client").setKeyId("c-2").setCurrent(true))
        .build());
  }

  @Override
  public void removeApi(RemoveApiRequest r, StreamObserver<RemoveApiResponse> o) {
    answer(r, o, RemoveApiResponse.getDefaultInstance());
  }

  @Override
  public void listApis(ListApisRequest r, StreamObserver<ListApisResponse> o) {
    answer(
        r,
        o,
        ListApisResponse.newBuilder()
            .addApis(
                Api.newBuilder()
                    .setId("echo")
                    .setTenantId(r.getTenantId())
                    .setDomain("api.acme.example")
                    .setMethodName("keygate.demo.v1.EchoService/Echo")
                    .setBackendTarget("localhost:9000")
                    .setAuthMode(AuthMode.SIGNATURE))
            .build());
  }

  @Override
  public void createGrant(CreateGrantRequest r, StreamObserver<Grant> o) {
    answer(r, o, r.getGrant());
  }

  @Override
  public void revokeGrant(RevokeGrantRequest r, StreamObserver<RevokeGrantResponse> o) {
    answer(r, o, RevokeGrantResponse.getDefaultInstance());
  }

  @Override
  public void listGrants(ListGrantsRequest r, StreamObserver<ListGrantsResponse> o) {
    answer(
        r,
        o,
        ListGrantsResponse.newBuilder()
            .addGrants(
                Grant.newBuilder().setTenantId(r.getTenantId()).setAppId("shop").setApiId("echo"))
            .build());
  }

  @Override
  public void createAuthorization(CreateAuthorizationRequest r, StreamObserver<Authorization> o) {
    answer(
        r,
        o,
        Authorization.newBuilder()
            .setId(r.getId())
            .setGrantorTenantId(r.getGrantorTenantId())
            .setGranteeAppId(r.getGranteeAppId())
            .addAllApiIds(r.getApiIdsList())
            .setExpiresAt(Timestamp.newBuilder().setSeconds(1_900_000_000L))
            .setLive(true)
            .build());
  }

  @Override
  public void revokeAuthorization(RevokeAuthorizationRequest r, StreamObserver<Authorization> o) {
    answer(
        r,
        o,
        Authorization.newBuilder()
            .setId(r.getAuthorizationId())
            .setGrantorTenantId(r.getGrantorTenantId())
            .setRevoked(true)
            .build());
  }

  @Override
  public void listAuthorizations(
      ListAuthorizationsRequest r, StreamObserver<ListAuthorizationsResponse> o) {
    answer(
        r,
        o,
        ListAuthorizationsResponse.newBuilder()
            .addGranted(
                Authorization.newBuilder()
                    .setId("az1")
                    .setGrantorTenantId(r.getTenantId())
                    .setGranteeAppId("globex-app")
                    .addApiIds("echo")
                    .setLive(true)
                    .setExpiresAt(Timestamp.newBuilder().setSeconds(1_900_000_000L)))
            .build());
  }

  @Override
  public void addPrincipal(AddPrincipalRequest r, StreamObserver<Principal> o) {
    answerFrom(
        r,
        o,
        () -> {
          approvals.checkAddPrincipal(r.getPrincipal());
          return r.getPrincipal().toBuilder()
              .setCreatedAt(Timestamp.newBuilder().setSeconds(1_800_000_000L))
              .build();
        });
  }

  @Override
  public void removePrincipal(RemovePrincipalRequest r, StreamObserver<RemovePrincipalResponse> o) {
    answer(r, o, RemovePrincipalResponse.getDefaultInstance());
  }

  @Override
  public void listPrincipals(ListPrincipalsRequest r, StreamObserver<ListPrincipalsResponse> o) {
    answer(
        r,
        o,
        ListPrincipalsResponse.newBuilder()
            .addPrincipals(
                Principal.newBuilder().setSubject("CN=alice").setRole(Role.SECURITY_OFFICER))
            .addPrincipals(
                Principal.newBuilder()
                    .setCertificateSha256("cd".repeat(32))
                    .setRole(Role.TENANT_ADMIN)
                    .setTenantId("acme"))
            .build());
  }

  public static AuditRecord auditRecord(long seq, String action) {
    return AuditRecord.newBuilder()
        .setSeq(seq)
        .setTime(Timestamp.newBuilder().setSeconds(1_795_694_400L + seq))
        .setActor("O=Keygate Admins,CN=alice sha256:" + "ab".repeat(32))
        .setRole("security-officer")
        .setAction(action)
        .setTarget("tenant/acme")
        .setOutcome("SUCCESS")
        .setRequestId("req-" + seq)
        .setDetail(seq % 2 == 0 ? "" : "n=" + seq)
        .setHash(String.format("%064x", seq))
        .build();
  }

  @Override
  public void auditTail(AuditTailRequest r, StreamObserver<AuditRecords> o) {
    AuditRecords.Builder b = AuditRecords.newBuilder();
    for (long seq = 1; seq <= Math.min(r.getCount(), 3); seq++) {
      b.addRecords(auditRecord(seq, "tenant.create"));
    }
    answer(r, o, b.build());
  }

  @Override
  public void auditQuery(AuditQueryRequest r, StreamObserver<AuditRecords> o) {
    String action = r.getAction().isEmpty() ? "tenant.create" : r.getAction();
    answer(r, o, AuditRecords.newBuilder().addRecords(auditRecord(7, action)).build());
  }

  @Override
  public void auditVerify(AuditVerifyRequest r, StreamObserver<AuditVerification> o) {
    answer(r, o, verification);
  }

  @Override
  public void requestApproval(RequestApprovalRequest r, StreamObserver<ApprovalRequest> o) {
    answerFrom(r, o, () -> approvals.request(r));
  }

  @Override
  public void approve(ApproveRequest r, StreamObserver<ApprovalRequest> o) {
    answerFrom(r, o, () -> approvals.approve(r.getId()));
  }

  @Override
  public void rejectApproval(RejectApprovalRequest r, StreamObserver<ApprovalRequest> o) {
    answerFrom(r, o, () -> approvals.reject(r.getId()));
  }

  @Override
  public void listApprovals(ListApprovalsRequest r, StreamObserver<ListApprovalsResponse> o) {
    answerFrom(r, o, () -> approvals.list(r.getIncludeClosed()));
  }

  @Override
  public void prepareTlsKey(PrepareTlsKeyRequest r, StreamObserver<TlsKey> o) {
    answer(r, o, FakeTlsKeys.prepare(r));
  }

  @Override
  public void installTlsCertificate(InstallTlsCertificateRequest r, StreamObserver<TlsKey> o) {
    answer(r, o, FakeTlsKeys.install(r));
  }

  @Override
  public void listTlsKeys(ListTlsKeysRequest r, StreamObserver<ListTlsKeysResponse> o) {
    answer(r, o, FakeTlsKeys.list());
  }
}
