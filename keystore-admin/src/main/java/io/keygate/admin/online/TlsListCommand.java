package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ListTlsKeysRequest;
import io.keygate.proto.admin.v1.TlsKey;
import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "list",
    description =
        "Lists the EC keys in the gateway's HSM that can serve TLS, and which listener serves"
            + " which (officer or auditor).")
public final class TlsListCommand extends AdminVerb {
  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<TlsKey> keys = admin.listTlsKeys(ListTlsKeysRequest.getDefaultInstance()).getKeysList();
    out.result(
        ProtoViews.map("keys", ProtoViews.all(keys, ProtoViews::tlsKey)),
        ProtoViews.tlsKeysTable(keys));
  }
}
