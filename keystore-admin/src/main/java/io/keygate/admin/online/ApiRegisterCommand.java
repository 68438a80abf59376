package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "register",
    description = "Registers an API of a tenant: method name -> backend, auth mode.")
public final class ApiRegisterCommand extends AdminVerb {
  @Mixin ApiOptions api;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Api a = admin.registerApi(RegisterApiRequest.newBuilder().setApi(api.toApi()).build());
    out.result(
        ProtoViews.api(a),
        "Registered API "
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
