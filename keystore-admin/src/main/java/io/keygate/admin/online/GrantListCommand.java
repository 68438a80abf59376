package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Grant;
import io.keygate.proto.admin.v1.ListGrantsRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Lists the grants of a tenant.")
public final class GrantListCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<Grant> grants =
        admin
            .listGrants(ListGrantsRequest.newBuilder().setTenantId(tenant).build())
            .getGrantsList();
    Table table = new Table("APP", "API");
    grants.forEach(g -> table.row(g.getAppId(), g.getApiId()));
    out.result(ProtoViews.map("grants", ProtoViews.all(grants, ProtoViews::grant)), table.render());
  }
}
