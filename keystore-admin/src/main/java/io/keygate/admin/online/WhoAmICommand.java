package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.WhoAmIRequest;
import io.keygate.proto.admin.v1.WhoAmIResponse;
import picocli.CommandLine.Command;

@Command(
    name = "whoami",
    description = "Shows who the admin API thinks you are: certificate and role.")
public final class WhoAmICommand extends AdminVerb {
  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    WhoAmIResponse me = admin.whoAmI(WhoAmIRequest.getDefaultInstance());
    String tenant = me.getTenantId().isEmpty() ? null : me.getTenantId();
    out.result(
        ProtoViews.map(
            "subject", me.getSubject(),
            "commonName", me.getCommonName(),
            "certificateSha256", me.getCertificateSha256(),
            "role", ProtoViews.enumName(me.getRole()),
            "tenantId", tenant),
        "subject      "
            + me.getSubject()
            + "\n"
            + "common name  "
            + me.getCommonName()
            + "\n"
            + "certificate  sha256 "
            + me.getCertificateSha256()
            + "\n"
            + "role         "
            + ProtoViews.enumName(me.getRole())
            + (tenant == null ? "" : " of tenant " + tenant)
            + "\n");
  }
}
