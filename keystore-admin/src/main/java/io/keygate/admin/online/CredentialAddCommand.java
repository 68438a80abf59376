package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AddCredentialRequest;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "add",
    description = {
      "Issues a second live credential for an app (rotation: add, roll out, retire the old one).",
      "The secret is shown exactly once (or written to --secret-out, created 0600)."
    })
public final class CredentialAddCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--app", required = true, description = "app id")
  String app;

  @Option(
      names = "--secret-out",
      paramLabel = "FILE",
      description = "write the secret (base64) to FILE, created 0600, instead of stdout")
  Path secretOut;

  @Override
  protected void beforeCall(CliEnvironment env) throws Exception {
    new SecretDelivery(secretOut).checkBeforeCall();
  }

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    new SecretDelivery(secretOut)
        .deliver(
            admin.addCredential(
                AddCredentialRequest.newBuilder().setTenantId(tenant).setAppId(app).build()),
            out);
  }
}
