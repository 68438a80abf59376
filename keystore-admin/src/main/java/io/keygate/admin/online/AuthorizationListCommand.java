package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ListAuthorizationsRequest;
import io.keygate.proto.admin.v1.ListAuthorizationsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    description = "Lists the authorizations a tenant granted and those granted to its apps.")
public final class AuthorizationListCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    ListAuthorizationsResponse r =
        admin.listAuthorizations(
            ListAuthorizationsRequest.newBuilder().setTenantId(tenant).build());
    out.result(
        ProtoViews.map(
            "granted", ProtoViews.all(r.getGrantedList(), ProtoViews::authorization),
            "received", ProtoViews.all(r.getReceivedList(), ProtoViews::authorization)),
        "Granted by "
            + tenant
            + ":\n"
            + ProtoViews.authorizationsTable(r.getGrantedList())
            + "\nGranted to apps of "
            + tenant
            + ":\n"
            + ProtoViews.authorizationsTable(r.getReceivedList()));
  }
}
