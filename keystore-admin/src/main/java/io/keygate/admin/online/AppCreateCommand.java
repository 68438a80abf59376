package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.App;
import io.keygate.proto.admin.v1.CreateAppRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "create",
    description = "Creates an app in a tenant (security-officer, tenant-admin).")
public final class AppCreateCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", required = true, description = "app id")
  String id;

  @Option(names = "--name", required = true, description = "display name")
  String name;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    App a =
        admin.createApp(
            CreateAppRequest.newBuilder().setTenantId(tenant).setId(id).setName(name).build());
    out.result(
        ProtoViews.app(a),
        "Created app " + a.getId() + " (" + a.getName() + ") in tenant " + a.getTenantId() + ".");
  }
}
