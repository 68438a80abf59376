package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ListTenantsRequest;
import io.keygate.proto.admin.v1.Tenant;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list", description = "Lists tenants (security-officer, auditor).")
public final class TenantListCommand extends AdminVerb {
  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<Tenant> tenants =
        admin.listTenants(ListTenantsRequest.getDefaultInstance()).getTenantsList();
    Table table = new Table("ID", "NAME");
    tenants.forEach(t -> table.row(t.getId(), t.getName()));
    out.result(
        ProtoViews.map("tenants", ProtoViews.all(tenants, ProtoViews::tenant)), table.render());
  }
}
