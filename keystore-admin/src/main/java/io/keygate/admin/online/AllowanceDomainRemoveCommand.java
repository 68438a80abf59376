package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.RemoveDomainRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "remove-domain",
    description = "Takes a domain back from a tenant (refused while its APIs use it).")
public final class AllowanceDomainRemoveCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--domain", required = true, description = "the domain")
  String domain;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    admin.removeDomain(
        RemoveDomainRequest.newBuilder().setTenantId(tenant).setDomain(domain).build());
    out.result(ProtoViews.map("tenantId", tenant, "domain", domain, "removed", true),
        "Domain " + domain + " no longer belongs to tenant " + tenant + ".");
  }
}
