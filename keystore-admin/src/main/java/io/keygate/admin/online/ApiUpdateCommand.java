package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.UpdateApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "update",
    description = "Replaces an API's method name, backend target and auth mode.")
public final class ApiUpdateCommand extends AdminVerb {
  @Mixin ApiOptions api;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Api a = admin.updateApi(UpdateApiRequest.newBuilder().setApi(api.toApi()).build());
    out.result(
        ProtoViews.api(a),
        "Updated API "
            + a.getId()
            + ": /"
            + a.getMethodName()
            + " -> "
            + a.getBackendTarget()
            + " (auth "
            + ProtoViews.enumName(a.getAuthMode())
            + ").");
  }
}
