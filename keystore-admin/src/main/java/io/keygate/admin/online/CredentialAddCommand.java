package io.keygate.admin.online;

import io.keygate.proto.admin.v1.AddCredentialRequest;
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
  IssuedCredential issue(AdminServiceBlockingStub admin) {
    return admin.addCredential(
        AddCredentialRequest.newBuilder().setTenantId(tenant).setAppId(app).build());
  }
}
