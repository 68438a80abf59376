package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.ApproveRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "approve",
    description = {
      "Adds your approval to a pending request. The approval that reaches the required count runs"
          + " the operation at once.",
      "Exit 0 when it ran or still waits for approvals; exit 5 with the gateway's error code when"
          + " it was approved but failed, or when it has not finished running."
    })
public final class ApprovalApproveCommand extends AdminVerb {
  @Parameters(paramLabel = "ID", description = "the request id (see 'approval list')")
  String id;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws AdminException {
    ApprovalRequest r = admin.approve(ApproveRequest.newBuilder().setId(id).build());
    out.result(ProtoViews.approval(r), ApprovalReport.text(r));
    // The report is printed either way; a script needs the exit code to notice that the operation
    // it approved did not happen (or not yet). FAILED is the operation's precondition failing
    // when it ran (a key in use, say): the conflict code, as when the same refusal comes at
    // request time. RUNNING means another approval started it, or its node stopped midway.
    if (r.getState() != ApprovalState.APPROVAL_EXECUTED
        && r.getState() != ApprovalState.APPROVAL_PENDING) {
      String what;
      switch (r.getState()) {
        case APPROVAL_FAILED:
          what = "was approved, but the operation failed: " + r.getOutcome();
          break;
        case APPROVAL_RUNNING:
          what = "has not finished: it is running (see 'approval list --all')";
          break;
        default:
          what = "did not run: it is " + ProtoViews.approvalState(r.getState());
      }
      throw new AdminException(
          ExitCode.NOT_FOUND_OR_CONFLICT,
          "request " + r.getId() + " " + what + " (" + r.getSummary() + ")");
    }
  }
}
