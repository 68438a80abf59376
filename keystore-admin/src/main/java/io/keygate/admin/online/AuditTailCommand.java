package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.AuditRecord;
import io.keygate.proto.admin.v1.AuditTailRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "tail",
    description = "The latest audit records, oldest first (reading proves nothing: see verify).")
public final class AuditTailCommand extends AdminVerb {
  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "20",
      description = "how many records (1..10000, default ${DEFAULT-VALUE})")
  int count;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<AuditRecord> records =
        admin.auditTail(AuditTailRequest.newBuilder().setCount(count).build()).getRecordsList();
    out.result(
        ProtoViews.map("records", ProtoViews.all(records, ProtoViews::auditRecord)),
        ProtoViews.auditTable(records));
  }
}
