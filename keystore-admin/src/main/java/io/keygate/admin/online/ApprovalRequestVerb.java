package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import picocli.CommandLine.Option;

/**
 * What the {@code approval request} verbs share: the reason, the call and the report. Each verb
 * only says which operation it asks for.
 */
abstract class ApprovalRequestVerb extends AdminVerb {
  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description =
          "why (required); shown to the approvers and kept in the audit log, 1-200 printable"
              + " characters")
  String reason;

  /** The operation, from this verb's options (reading a certificate file, for some). */
  abstract DualControlOperation operation() throws Exception;

  @Override
  protected void beforeCall(CliEnvironment env) {
    // An empty reason would be the server's generic INVALID_ARGUMENT; say which option it is.
    if (reason.isBlank()) {
      throw new IllegalArgumentException("--reason must not be empty: say why, for the approvers");
    }
  }

  @Override
  protected final void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out)
      throws Exception {
    ApprovalRequest r =
        admin.requestApproval(
            RequestApprovalRequest.newBuilder()
                .setOperation(operation())
                .setReason(reason)
                .build());
    out.result(ProtoViews.approval(r), ApprovalReport.text(r));
  }
}
