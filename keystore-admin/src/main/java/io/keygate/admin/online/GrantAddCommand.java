package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.CreateGrantRequest;
import io.keygate.proto.admin.v1.Grant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "add", description = "Allows an app to call an API of its own tenant.")
public final class GrantAddCommand extends AdminVerb {
  @Mixin GrantOptions grant;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Grant g = admin.createGrant(CreateGrantRequest.newBuilder().setGrant(grant.toGrant()).build());
    out.result(
        ProtoViews.grant(g),
        "App "
            + g.getAppId()
            + " may now call API "
            + g.getApiId()
            + " of tenant "
            + g.getTenantId()
            + ".");
  }
}
