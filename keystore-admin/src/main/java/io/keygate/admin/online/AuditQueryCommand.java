package io.keygate.admin.online;

import com.google.protobuf.Timestamp;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.AuditQueryRequest;
import io.keygate.proto.admin.v1.AuditRecord;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "query",
    description = {
      "Audit records with from <= time < to, of one actor and one action (exact), in seq order.",
      "Times: 2026-11-26T12:00:00Z, or a date (midnight UTC)."
    })
public final class AuditQueryCommand extends AdminVerb {
  @Option(
      names = "--from",
      paramLabel = "TIME",
      converter = InstantConverter.class,
      description = "inclusive (default: the beginning)")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      converter = InstantConverter.class,
      description = "exclusive (default: now and later)")
  Instant to;

  @Option(
      names = "--actor",
      paramLabel = "ACTOR",
      description = "exactly as recorded, e.g. 'O=Keygate Admins,CN=alice sha256:…'")
  String actor;

  @Option(
      names = "--action",
      paramLabel = "ACTION",
      description = "e.g. credential.create, principal.add, auth.failure")
  String action;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "at most this many records (1..10000, default ${DEFAULT-VALUE})")
  int limit;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    AuditQueryRequest.Builder request = AuditQueryRequest.newBuilder().setLimit(limit);
    if (from != null) {
      request.setFrom(timestamp(from));
    }
    if (to != null) {
      request.setTo(timestamp(to));
    }
    if (actor != null) {
      request.setActor(actor);
    }
    if (action != null) {
      request.setAction(action);
    }
    List<AuditRecord> records = admin.auditQuery(request.build()).getRecordsList();
    out.result(
        ProtoViews.map("records", ProtoViews.all(records, ProtoViews::auditRecord)),
        ProtoViews.auditTable(records));
  }

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
