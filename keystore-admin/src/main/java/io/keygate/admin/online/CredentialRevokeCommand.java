package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Credential;
import io.keygate.proto.admin.v1.RevokeCredentialRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "revoke",
    description =
        "Revokes a credential at once (every gateway stops accepting it within its snapshot"
            + " staleness bound).")
public final class CredentialRevokeCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(
      names = "--access-key",
      required = true,
      paramLabel = "AK",
      description = "the credential")
  String accessKey;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Credential c =
        admin.revokeCredential(
            RevokeCredentialRequest.newBuilder()
                .setTenantId(tenant)
                .setAccessKey(accessKey)
                .build());
    out.result(
        ProtoViews.credential(c),
        "Revoked credential "
            + c.getAccessKey()
            + " (state "
            + ProtoViews.enumName(c.getState())
            + ").");
  }
}
