package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ListPayloadKeysResponse;
import io.keygate.proto.admin.v1.RetirePayloadKeyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code api retire-payload-key}: removes a payload key that is not current (admin API 1.9). */
@Command(
    name = "retire-payload-key",
    description = "Retires an API's payload key that is no longer current: messages sealed under"
        + " it are refused from then on; the tenant's admin or a security officer.")
public final class ApiPayloadKeyRetireCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", required = true, description = "API id")
  String id;

  @Option(names = "--hop", required = true, paramLabel = "client|backend", description = "hop")
  String hop;

  @Option(names = "--key-id", required = true, description = "the key to retire")
  String keyId;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    ListPayloadKeysResponse r = admin.retirePayloadKey(RetirePayloadKeyRequest.newBuilder()
        .setTenantId(tenant).setApiId(id).setHop(hop).setKeyId(keyId).build());
    out.result(ProtoViews.map("apiId", id, "hop", hop, "retired", keyId, "remaining",
            r.getKeysCount()),
        "Retired payload key " + keyId + " (" + hop + " hop) of API " + id + " of tenant "
            + tenant + "; " + r.getKeysCount() + " key(s) left.");
  }
}
