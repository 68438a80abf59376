package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Credential;
import io.keygate.proto.admin.v1.ListCredentialsRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    description =
        "Lists credentials with state, end and last use; never a secret (the API has none).")
public final class CredentialListCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--app", description = "only this app's credentials")
  String app;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    ListCredentialsRequest.Builder request =
        ListCredentialsRequest.newBuilder().setTenantId(tenant);
    if (app != null) {
      request.setAppId(app);
    }
    List<Credential> credentials = admin.listCredentials(request.build()).getCredentialsList();
    out.result(
        ProtoViews.map("credentials", ProtoViews.all(credentials, ProtoViews::credential)),
        ProtoViews.credentialsTable(credentials));
  }
}
