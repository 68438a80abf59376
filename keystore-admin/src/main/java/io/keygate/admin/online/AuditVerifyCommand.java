package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.AuditProblem;
import io.keygate.proto.admin.v1.AuditVerification;
import io.keygate.proto.admin.v1.AuditVerifyRequest;
import picocli.CommandLine.Command;

@Command(
    name = "verify",
    description = {
      "Re-computes the audit log's hash chain and checks its signed heads on the server.",
      "Exit 0 when clean; exit 1 and one line per problem when not."
    })
public final class AuditVerifyCommand extends AdminVerb {
  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws AdminException {
    AuditVerification v = admin.auditVerify(AuditVerifyRequest.getDefaultInstance());
    out.result(
        ProtoViews.map(
            "clean", v.getClean(),
            "records", v.getRecords(),
            "lastSeq", v.getLastSeq(),
            "signedHeads", v.getSignedHeads(),
            "lastVerifiedSignedSeq", v.getLastVerifiedSignedSeq(),
            "unsignedRecords", v.getUnsignedRecords(),
            "problems", ProtoViews.all(v.getProblemsList(), AuditVerifyCommand::problem)),
        text(v));
    // The report is printed either way: the problems are the evidence, the exit code the alarm.
    if (!v.getClean()) {
      throw new AdminException(
          ExitCode.FAILED,
          "audit log verification failed: " + v.getProblemsCount() + " problem(s)");
    }
  }

  private static Object problem(AuditProblem p) {
    return ProtoViews.map(
        "kind", p.getKind(),
        "seq", p.getSeq(),
        "lastSeq", p.getLastSeq(),
        "description", p.getDescription());
  }

  private static String text(AuditVerification v) {
    StringBuilder sb = new StringBuilder();
    sb.append(v.getClean() ? "Audit log verified: clean.\n" : "Audit log NOT clean:\n");
    for (AuditProblem p : v.getProblemsList()) {
      sb.append("  ").append(line(p)).append('\n');
    }
    sb.append("records: ").append(v.getRecords()).append('\n')
        .append("last seq: ").append(v.getLastSeq()).append('\n')
        .append("signed heads: ").append(v.getSignedHeads()).append('\n')
        .append("last verified signed seq: ").append(v.getLastVerifiedSignedSeq()).append('\n')
        .append("unsigned records (after the last verified signed head): ")
        .append(v.getUnsignedRecords()).append('\n');
    return sb.toString();
  }

  /** As the server's VerificationReport.Problem prints it: {@code seq 5 EDITED: …}. */
  static String line(AuditProblem p) {
    String where = p.getSeq() == p.getLastSeq()
        ? "seq " + p.getSeq()
        : "seq " + p.getSeq() + ".." + p.getLastSeq();
    return where + " " + p.getKind() + ": " + p.getDescription();
  }
}
