package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ListPayloadKeysResponse;
import io.keygate.proto.admin.v1.PromotePayloadKeyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code api promote-payload-key}: makes a payload key of an API's ring current, the last step of
 * a staged rotation (admin API 1.11, docs/payload-encryption.md, section 6).
 */
@Command(
    name = "promote-payload-key",
    description = "Makes a payload key of an API's ring current (issued with --staged and"
        + " installed where it must open); the one before stays accepted until retired; the"
        + " tenant's admin or a security officer.")
public final class ApiPayloadKeyPromoteCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", required = true, description = "API id")
  String id;

  @Option(names = "--hop", required = true, paramLabel = "client|backend", description = "hop")
  String hop;

  @Option(names = "--key-id", required = true, description = "the key to make current")
  String keyId;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    ListPayloadKeysResponse r = admin.promotePayloadKey(PromotePayloadKeyRequest.newBuilder()
        .setTenantId(tenant).setApiId(id).setHop(hop).setKeyId(keyId).build());
    long accepted = r.getKeysList().stream()
        .filter(k -> k.getHop().equals(hop) && !k.getCurrent()).count();
    boolean current = r.getKeysList().stream()
        .anyMatch(k -> k.getHop().equals(hop) && k.getKeyId().equals(keyId) && k.getCurrent());
    out.result(ProtoViews.map("apiId", id, "hop", hop, "current", current ? keyId : "",
            "accepted", accepted),
        "Payload key " + keyId + " (" + hop + " hop) of API " + id + " of tenant " + tenant
            + " is current; " + accepted + " other key(s) of that hop still open until retired.");
  }
}
