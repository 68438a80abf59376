package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.BackendTls;
import io.keygate.proto.admin.v1.ListBackendTlsRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "show",
    description = "Shows the backends' TLS policies (a backend not listed is plaintext).")
public final class BackendTlsShowCommand extends AdminVerb {
  @Option(names = "--backend", paramLabel = "TARGET", description = "only this target")
  String backend;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<BackendTls> policies = admin.listBackendTls(ListBackendTlsRequest.getDefaultInstance())
        .getPoliciesList().stream()
        .filter(p -> backend == null || p.getBackendTarget().equals(backend))
        .toList();
    Table table = new Table("BACKEND", "MODE", "SERVER NAME", "CLIENT KEY", "ANCHORS (SHA256)");
    for (BackendTls p : policies) {
      table.row(p.getBackendTarget(), BackendTlsView.mode(p.getMode()),
          p.getServerName().isEmpty() ? "-" : p.getServerName(),
          p.getClientKeyLabel().isEmpty() ? "-" : p.getClientKeyLabel(),
          p.getTrustAnchorSha256Count() == 0 ? "-"
              : String.join(",", p.getTrustAnchorSha256List()));
    }
    out.result(ProtoViews.map("policies", ProtoViews.all(policies, BackendTlsView::map)),
        table.render());
  }
}
