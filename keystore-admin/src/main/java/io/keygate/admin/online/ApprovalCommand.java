package io.keygate.admin.online;

import picocli.CommandLine.Command;

/** The group {@code approval}: without a verb, picocli reports the missing subcommand (exit 2). */
@Command(
    name = "approval",
    description = {
      "Dual control: operations that need the approval of several security-officers (admin API).",
      "One officer requests, others approve; the approval that reaches the gateway's required"
          + " count runs the operation."
    },
    subcommands = {
      ApprovalRequestCommand.class,
      ApprovalApproveCommand.class,
      ApprovalRejectCommand.class,
      ApprovalListCommand.class
    })
public final class ApprovalCommand {}
