package io.keygate.admin.online;

import io.keygate.proto.admin.v1.AddCredentialRequest;
import com.google.protobuf.ByteString;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.IssuedCredential;
import picocli.CommandLine.Command;

@Command(
    name = "add",
    description = {
      "Issues a second live credential for an app (rotation: add, roll out, retire the old one).",
      "The secret is shown exactly once (or written to --secret-out, created 0600)."
    })
public final class CredentialAddCommand extends IssueCredentialVerb {
  @Override
  IssuedCredential issue(AdminServiceBlockingStub admin, ByteString recipientKey) {
    return admin.addCredential(
        AddCredentialRequest.newBuilder().setTenantId(tenant).setAppId(app)
            .setRecipientPublicKey(recipientKey).build());
  }
}
