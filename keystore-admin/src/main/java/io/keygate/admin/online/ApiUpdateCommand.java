package io.keygate.admin.online;

import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.UpdateApiRequest;
import picocli.CommandLine.Command;

@Command(
    name = "update",
    description = "Replaces an API's method name, backend target and auth mode.")
public final class ApiUpdateCommand extends ApiWriteVerb {
  @Override
  Api write(AdminServiceBlockingStub admin, Api definition) {
    return admin.updateApi(UpdateApiRequest.newBuilder().setApi(definition).build());
  }

  @Override
  String done() {
    return "Updated";
  }
}
