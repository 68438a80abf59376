package io.keygate.admin.online;

import com.google.protobuf.ByteString;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import picocli.CommandLine.Command;

@Command(
    name = "create",
    description = {
      "Issues an app's first credential: an AccessKey and a secret made in the HSM (on a gateway"
          + " with a KEK) and sent encrypted to a one-time key of this run only.",
      "The secret is shown exactly once (or written to --secret-out, created 0600)."
    })
public final class CredentialCreateCommand extends IssueCredentialVerb {
  @Override
  IssuedCredential issue(AdminServiceBlockingStub admin, ByteString recipientKey) {
    return admin.createCredential(
        CreateCredentialRequest.newBuilder().setTenantId(tenant).setAppId(app)
            .setRecipientPublicKey(recipientKey).build());
  }
}
