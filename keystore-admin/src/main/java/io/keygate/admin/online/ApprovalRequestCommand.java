package io.keygate.admin.online;

import picocli.CommandLine.Command;

/**
 * The group {@code approval request}, one verb per operation: each operation has its own options,
 * so a missing label or tenant is a usage error rather than a server round trip.
 */
@Command(
    name = "request",
    description = {
      "Asks for an operation that needs dual control; your request counts as its first approval.",
      "Prints the request id; other security-officers approve it with 'approval approve ID'."
    },
    subcommands = {
      ApprovalRequestDestroyKeyCommand.class,
      ApprovalRequestRevokeTenantCredentialsCommand.class,
      ApprovalRequestActivateTlsKeyCommand.class,
      ApprovalRequestAddOfficerCommand.class,
      ApprovalRequestRemoveOfficerCommand.class,
      ApprovalRequestRewrapCredentialsCommand.class,
      ApprovalRequestDestroyKekCommand.class
    })
public final class ApprovalRequestCommand {}
