package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.RejectApprovalRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "reject",
    description =
        "Ends a pending request without running it: the requester withdraws it, or another"
            + " security-officer rejects it.")
public final class ApprovalRejectCommand extends AdminVerb {
  @Parameters(paramLabel = "ID", description = "the request id (see 'approval list')")
  String id;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    ApprovalRequest r = admin.rejectApproval(RejectApprovalRequest.newBuilder().setId(id).build());
    out.result(ProtoViews.approval(r), ApprovalReport.text(r));
  }
}
