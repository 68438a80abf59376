package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Authorization;
import io.keygate.proto.admin.v1.RevokeAuthorizationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "revoke", description = "Revokes a cross-tenant authorization at once.")
public final class AuthorizationRevokeCommand extends AdminVerb {
  @Option(
      names = "--grantor",
      required = true,
      paramLabel = "TENANT",
      description = "grantor tenant")
  String grantor;

  @Option(names = "--id", required = true, description = "authorization id")
  String id;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Authorization a =
        admin.revokeAuthorization(
            RevokeAuthorizationRequest.newBuilder()
                .setGrantorTenantId(grantor)
                .setAuthorizationId(id)
                .build());
    out.result(ProtoViews.authorization(a), "Revoked authorization " + a.getId() + ".");
  }
}
