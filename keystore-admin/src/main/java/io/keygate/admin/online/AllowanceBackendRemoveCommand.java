package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.RemoveBackendRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "remove-backend",
    description = "Takes a backend target back from a tenant (refused while its APIs use it).")
public final class AllowanceBackendRemoveCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--backend", required = true, paramLabel = "HOST:PORT", description = "target")
  String backend;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    admin.removeBackend(
        RemoveBackendRequest.newBuilder().setTenantId(tenant).setBackendTarget(backend).build());
    out.result(ProtoViews.map("tenantId", tenant, "backendTarget", backend, "removed", true),
        "Tenant " + tenant + " may no longer forward to " + backend + ".");
  }
}
