package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.CreateTenantRequest;
import io.keygate.proto.admin.v1.Tenant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "create", description = "Creates a tenant (security-officer).")
public final class TenantCreateCommand extends AdminVerb {
  @Option(names = "--id", required = true, description = "tenant id: 1-64 of A-Z a-z 0-9 . _ : -")
  String id;

  @Option(names = "--name", required = true, description = "display name")
  String name;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Tenant t = admin.createTenant(CreateTenantRequest.newBuilder().setId(id).setName(name).build());
    out.result(ProtoViews.tenant(t), "Created tenant " + t.getId() + " (" + t.getName() + ").");
  }
}
