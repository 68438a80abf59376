package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ListPrincipalsRequest;
import io.keygate.proto.admin.v1.Principal;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list", description = "Lists who may use the admin API, and as what.")
public final class PrincipalListCommand extends AdminVerb {
  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<Principal> principals =
        admin.listPrincipals(ListPrincipalsRequest.getDefaultInstance()).getPrincipalsList();
    Table table = new Table("IDENTITY", "ROLE", "TENANT", "CREATED");
    for (Principal p : principals) {
      table.row(
          p.hasSubject() ? p.getSubject() : "sha256:" + p.getCertificateSha256(),
          ProtoViews.enumName(p.getRole()),
          p.getTenantId().isEmpty() ? null : p.getTenantId(),
          ProtoViews.time(p.hasCreatedAt(), p.getCreatedAt()));
    }
    out.result(
        ProtoViews.map("principals", ProtoViews.all(principals, ProtoViews::principal)),
        table.render());
  }
}
