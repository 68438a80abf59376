package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.RemoveApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "remove",
    description = "Removes an API, with its grants and cross-tenant authorization entries.")
public final class ApiRemoveCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", required = true, description = "API id")
  String id;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    admin.removeApi(RemoveApiRequest.newBuilder().setTenantId(tenant).setApiId(id).build());
    out.result(
        ProtoViews.map("tenantId", tenant, "apiId", id, "removed", true),
        "Removed API " + id + " of tenant " + tenant + ".");
  }
}
