package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import picocli.CommandLine.Mixin;

/**
 * A verb that writes an API ({@code register}, {@code update}): the same options and the same
 * report of what the gateway stored; only the RPC and its verb in the report differ.
 */
abstract class ApiWriteVerb extends AdminVerb {
  @Mixin ApiOptions api;

  /** The one RPC that stores {@code definition}. */
  abstract Api write(AdminServiceBlockingStub admin, Api definition);

  /** "Registered", "Updated": how the report begins. */
  abstract String done();

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    Api a = write(admin, api.toApi());
    out.result(
        ProtoViews.api(a),
        done() + " API " + a.getId() + ": /" + a.getMethodName() + " -> " + a.getBackendTarget()
            + " (auth " + ProtoViews.enumName(a.getAuthMode()) + ").");
  }
}
