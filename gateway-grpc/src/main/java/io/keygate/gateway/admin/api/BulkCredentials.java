package io.keygate.gateway.admin.api;

import com.google.protobuf.ByteString;
import io.keygate.gateway.credentials.BulkIssued;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.model.IdRules;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.proto.admin.v1.BulkIssuedCredential;
import io.keygate.proto.admin.v1.CreateCredentialsRequest;
import io.keygate.proto.admin.v1.CreateCredentialsResponse;
import java.security.interfaces.RSAPublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * CreateCredentials (admin API 1.4), bulk issuance for migrations and load tests: checks the
 * request, has {@link CredentialIssuer#issueBatch} make and store everything in one go, and turns
 * the result into the reply. Authorization and audit are {@link AdminCalls}' as for every RPC.
 */
final class BulkCredentials {
  /** Apps per call: what the HSM makes in one batch. */
  static final int MAX_APPS = WrappedMacKeys.MAX_BATCH;

  /** APIs every app of a call may be granted. */
  static final int MAX_GRANTS = 16;

  private final CredentialIssuer issuer;

  BulkCredentials(CredentialIssuer issuer) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
  }

  CreateCredentialsResponse create(CreateCredentialsRequest req) throws Exception {
    int count = req.getAppIdsCount();
    if (count < 1 || count > MAX_APPS || req.getGrantApiIdsCount() > MAX_GRANTS) {
      throw new AdminException(AdminError.BATCH_SIZE, "CreateCredentials with " + count
          + " apps and " + req.getGrantApiIdsCount() + " APIs");
    }
    // Before any parsing or HSM work: such a node must not issue in bulk at all.
    if (!issuer.keepsSecretsWrapped()) {
      throw new AdminException(AdminError.KEY_HIERARCHY_REQUIRED, "no KEK on this node");
    }
    RSAPublicKey recipient = AdminMessages.recipientKey(req.getRecipientPublicKey())
        .orElseThrow(() -> new AdminException(AdminError.RECIPIENT_KEY_REQUIRED,
            "CreateCredentials without a recipient key"));
    List<String> appIds = req.getAppIdsList();
    Set<String> seen = new HashSet<>(count * 2);
    for (String id : appIds) {
      IdRules.id("app id", id);
      if (!seen.add(id)) {
        // Refused before the HSM makes anything; the store would refuse it as well.
        throw new AdminException(AdminError.ALREADY_EXISTS, "app id " + id + " twice in a batch");
      }
    }
    BulkIssued issued = issuer.issueBatch(req.getTenantId(), appIds, req.getGrantApiIdsList(),
        recipient);
    CreateCredentialsResponse.Builder reply = CreateCredentialsResponse.newBuilder()
        .setKekId(issued.kek().value())
        .setTransportKeyForRecipient(ByteString.copyFrom(issued.transportKeyForRecipient()));
    for (BulkIssued.Entry e : issued.credentials()) {
      reply.addCredentials(BulkIssuedCredential.newBuilder()
          .setAppId(e.appId())
          .setAccessKey(e.accessKey())
          .setSecretWrapped(ByteString.copyFrom(e.secretWrapped())));
    }
    return reply.build();
  }

  /** What the audit log keeps of a bulk issuance: how many, where, under which KEK; no secret. */
  static String auditDetail(CreateCredentialsRequest req, CreateCredentialsResponse reply) {
    return "count=" + reply.getCredentialsCount() + " tenant=" + req.getTenantId()
        + " kek=" + reply.getKekId() + " grants=" + String.join(",", req.getGrantApiIdsList());
  }
}
