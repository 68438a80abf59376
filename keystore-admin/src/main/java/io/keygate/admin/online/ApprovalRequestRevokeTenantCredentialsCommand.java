package io.keygate.admin.online;

import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.RevokeTenantCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "revoke-tenant-credentials",
    description =
        "Asks to revoke every credential of a tenant that is not already revoked (needs the"
            + " approval of other security-officers).")
public final class ApprovalRequestRevokeTenantCredentialsCommand extends ApprovalRequestVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Override
  DualControlOperation operation() {
    return DualControlOperation.newBuilder()
        .setRevokeTenantCredentials(RevokeTenantCredentials.newBuilder().setTenantId(tenant))
        .build();
  }
}
