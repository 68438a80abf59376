package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.ListApisRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Lists the APIs of a tenant.")
public final class ApiListCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<Api> apis =
        admin.listApis(ListApisRequest.newBuilder().setTenantId(tenant).build()).getApisList();
    Table table = new Table("ID", "DOMAIN", "METHOD", "BACKEND", "AUTH");
    apis.forEach(
        a ->
            table.row(
                a.getId(),
                a.getDomain().isEmpty() ? "(legacy)" : a.getDomain(),
                a.getMethodName(),
                a.getBackendTarget(),
                ProtoViews.enumName(a.getAuthMode())));
    out.result(ProtoViews.map("apis", ProtoViews.all(apis, ProtoViews::api)), table.render());
  }
}
