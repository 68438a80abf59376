package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.RevokeGrantRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "remove", description = "Withdraws a grant.")
public final class GrantRemoveCommand extends AdminVerb {
  @Mixin GrantOptions grant;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    admin.revokeGrant(RevokeGrantRequest.newBuilder().setGrant(grant.toGrant()).build());
    var json = ProtoViews.grant(grant.toGrant());
    json.put("removed", true);
    out.result(
        json,
        "App "
            + grant.app
            + " may no longer call API "
            + grant.api
            + " of tenant "
            + grant.tenant
            + ".");
  }
}
