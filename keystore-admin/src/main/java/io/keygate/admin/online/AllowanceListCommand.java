package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ListAllowancesRequest;
import io.keygate.proto.admin.v1.ListAllowancesResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Lists the domains and backends a tenant's APIs may use.")
public final class AllowanceListCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    ListAllowancesResponse r =
        admin.listAllowances(ListAllowancesRequest.newBuilder().setTenantId(tenant).build());
    Table table = new Table("KIND", "VALUE", "UNAUTHENTICATED");
    r.getDomainsList().forEach(d -> table.row("domain", d.getDomain(), "-"));
    r.getBackendsList().forEach(b -> table.row("backend", b.getBackendTarget(),
        b.getAllowUnauthenticated() ? "ALLOWED" : "no"));
    out.result(
        ProtoViews.map(
            "domains", ProtoViews.all(r.getDomainsList(), ProtoViews::domain),
            "backends", ProtoViews.all(r.getBackendsList(), ProtoViews::backend)),
        table.render());
  }
}
