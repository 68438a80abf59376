package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.App;
import io.keygate.proto.admin.v1.ListAppsRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Lists the apps of a tenant.")
public final class AppListCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<App> apps =
        admin.listApps(ListAppsRequest.newBuilder().setTenantId(tenant).build()).getAppsList();
    Table table = new Table("ID", "NAME");
    apps.forEach(a -> table.row(a.getId(), a.getName()));
    out.result(ProtoViews.map("apps", ProtoViews.all(apps, ProtoViews::app)), table.render());
  }
}
