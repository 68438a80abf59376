package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.Table;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ListPayloadKeysRequest;
import io.keygate.proto.admin.v1.ListPayloadKeysResponse;
import io.keygate.proto.admin.v1.PayloadKeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code api payload-keys}: an API's policy and payload key ids (admin API 1.8), never keys. */
@Command(
    name = "payload-keys",
    description = "Lists an API's payload encryption policy and key ids per hop (never a key).")
public final class ApiPayloadKeysCommand extends AdminVerb {
  @Option(names = "--tenant", required = true, description = "tenant id")
  String tenant;

  @Option(names = "--id", required = true, description = "API id")
  String id;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    ListPayloadKeysResponse r = admin.listPayloadKeys(
        ListPayloadKeysRequest.newBuilder().setTenantId(tenant).setApiId(id).build());
    Table table = new Table("HOP", "KEY ID", "STATE");
    for (PayloadKeyInfo k : r.getKeysList()) {
      table.row(k.getHop(), k.getKeyId(), k.getCurrent() ? "current" : "accepted");
    }
    out.result(
        ProtoViews.map("apiId", id, "encryption", ProtoViews.encryption(r.getEncryption()),
            "keys", ProtoViews.all(r.getKeysList(), k -> ProtoViews.map("hop", k.getHop(),
                "keyId", k.getKeyId(), "current", k.getCurrent()))),
        "encryption " + ProtoViews.encryption(r.getEncryption()) + "\n" + table.render());
  }
}
