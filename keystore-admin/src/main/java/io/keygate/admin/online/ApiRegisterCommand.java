package io.keygate.admin.online;

import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import picocli.CommandLine.Command;

@Command(
    name = "register",
    description = "Registers an API of a tenant: method name -> backend, auth mode.")
public final class ApiRegisterCommand extends ApiWriteVerb {
  @Override
  Api write(AdminServiceBlockingStub admin, Api definition) {
    return admin.registerApi(RegisterApiRequest.newBuilder().setApi(definition).build());
  }

  @Override
  String done() {
    return "Registered";
  }
}
