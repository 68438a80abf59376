package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.AllowDomainRequest;
import io.keygate.proto.admin.v1.DomainAllowance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "allow-domain",
    description =
        "Gives a domain to a tenant: its APIs are served under it, and calls sent to it reach"
            + " only that tenant's APIs. A domain belongs to one tenant.")
public final class AllowanceDomainAddCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--domain", required = true, description = "lower-case DNS name, no port")
  String domain;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    DomainAllowance d = admin.allowDomain(AllowDomainRequest.newBuilder()
        .setAllowance(DomainAllowance.newBuilder().setTenantId(tenant).setDomain(domain))
        .build());
    out.result(ProtoViews.domain(d),
        "Domain " + d.getDomain() + " now belongs to tenant " + d.getTenantId() + ".");
  }
}
