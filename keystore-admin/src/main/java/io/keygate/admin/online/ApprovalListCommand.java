package io.keygate.admin.online;

import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.Output;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ListApprovalsRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    description = "Lists pending approval requests, newest first (officer or auditor).")
public final class ApprovalListCommand extends AdminVerb {
  @Option(
      names = "--all",
      description = "also the ended ones: executed, failed, rejected, expired (at most 1000)")
  boolean all;

  @Override
  protected void call(AdminServiceBlockingStub admin, CliEnvironment env, Output out) {
    List<ApprovalRequest> requests =
        admin
            .listApprovals(ListApprovalsRequest.newBuilder().setIncludeClosed(all).build())
            .getRequestsList();
    out.result(
        ProtoViews.map("requests", ProtoViews.all(requests, ProtoViews::approval)),
        requests.isEmpty() && !all
            ? "No pending approval requests (--all also lists ended ones)."
            : ProtoViews.approvalsTable(requests));
  }
}
