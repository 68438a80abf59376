package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.AllowBackendRequest;
import io.keygate.proto.admin.v1.BackendAllowance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "allow-backend",
    description =
        "Lets a tenant's APIs forward to a backend target, or changes whether they may do so"
            + " without authentication.")
public final class AllowanceBackendAddCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(
      names = "--backend",
      required = true,
      paramLabel = "HOST:PORT",
      description = "backend target, exactly as the APIs will write it")
  String backend;

  @Option(
      names = "--allow-unauthenticated",
      description =
          "APIs on this backend may use auth mode none: anyone who reaches the gateway can call"
              + " them. Without it, setting an existing allowance takes that back.")
  boolean allowUnauthenticated;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    BackendAllowance b = admin.allowBackend(AllowBackendRequest.newBuilder()
        .setAllowance(BackendAllowance.newBuilder()
            .setTenantId(tenant)
            .setBackendTarget(backend)
            .setAllowUnauthenticated(allowUnauthenticated))
        .build());
    out.result(ProtoViews.backend(b),
        "Tenant " + b.getTenantId() + " may forward to " + b.getBackendTarget()
            + (b.getAllowUnauthenticated() ? ", also WITHOUT authentication." : "."));
  }
}
