package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.RemoveBackendTlsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "remove",
    description = "Removes a backend's TLS policy: nodes connect to it in plaintext again.")
public final class BackendTlsRemoveCommand extends AdminVerb {
  @Option(names = "--backend", required = true, paramLabel = "TARGET",
      description = "backend target")
  String backend;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    admin.removeBackendTls(
        RemoveBackendTlsRequest.newBuilder().setBackendTarget(backend).build());
    out.result(ProtoViews.map("backendTarget", backend, "mode", "plaintext"),
        "Removed the TLS policy of " + backend + ": nodes connect to it in plaintext.\n");
  }
}
